import Foundation
import GridGames
import NeuralNetwork

/// Parallel Q-learning (PQN; Gallici et al. 2024, "Simplifying Deep Temporal Difference
/// Learning", https://arxiv.org/abs/2407.04811), as purejaxql's `pqn_minatar.py` runs it:
///
/// 1. act ε-greedily in `environments` copies of the game (a `VectorEnvironment`) for
///    `rolloutSteps` steps, one batched forward of the Q-network per step;
/// 2. compute Q(λ) returns for the rollout (`lambdaReturns`) with the current network;
/// 3. train on it for `epochs` passes of `minibatches` shuffled minibatches (½ squared error on
///    the taken actions, gradient-norm clipping, Adam with the learning rate falling linearly);
/// 4. throw the rollout away: no replay buffer, no target network (the LayerNorm network,
///    `minatar-layernorm`, is what keeps this stable).
///
/// The run folder is an ordinary one (`agent.yaml`, `metrics.csv`, `eval.csv`, weights, events,
/// checkpoints), so `dqn eval`, `dqn watch`, `dqn plot` and `dqn benchmark` read it as any run.
/// Checkpoints fall between rollouts and hold the network, the optimizer, the counters, the
/// generator and each environment's episode (its index and actions, replayed on `--resume`), so
/// a resumed run continues bit for bit as an uninterrupted one (single-threaded products).
public final class PQNTrainer {
  public let folder: RunFolder
  public let preset: AgentPreset
  public let definition: EnvironmentDefinition
  public let network: Sequential
  public private(set) var state: TrainingState
  public private(set) var counters: PQNCounters
  public private(set) var notes: [String] = []
  private var optimizer: any Optimizer
  private let checkpoint: PQNCheckpoint
  private let log: MetricsLog
  private var environments: VectorEnvironment<GridEnvironment>
  private let evaluationEnvironment: GridEnvironment
  private var stacks: [ObservationStack]
  private var rng: SplitMix64
  private let exploration: LinearSchedule
  private let parameters: [Parameter]
  private let actionCount: Int
  private let observationShape: [Int]
  private let observationSize: Int
  private let sessionStart = ContinuousClock.now
  private var sessionStartStep: Int
  private var lastCheckpointStep: Int?
  /// Each environment's actions in its current episode (for checkpoints).
  private var episodeActions: [[Int]]

  // The rollout, time-major ([t · E + e]).
  private var observations: [Float]
  private var actions: [Int]
  private var rewards: [Float]
  private var dones: [Bool]
  private var maxValues: [Float]
  private var actingBatch: Tensor
  private var minibatch: Tensor
  private var outputGradient: Tensor

  /// Starts a new PQN run in `url` (created if needed; it must not already hold a run).
  ///
  /// - Throws: `TrainingError` when the folder holds a run, the network does not fit the
  ///   environment, or a file cannot be written.
  public convenience init(
    newRunAt url: URL, preset: AgentPreset, environment definition: EnvironmentDefinition, seed: UInt64,
    tensorboard: Bool = true
  ) throws(TrainingError) {
    let folder = RunFolder(url)
    if RunCheckpoint(folder: folder).exists {
      throw .unwritable(file: url.path, detail: "it already holds a run with a checkpoint; continue it with --resume \(url.path) or choose another --out")
    }
    let restarts = folder.holdsRunFiles
    try self.init(folder: folder, preset: preset, definition: definition, state: TrainingState(seed: seed), presetFile: "the agent preset")
    if restarts {
      try folder.removeRunFiles()
      notes.append("\(url.path) held a run stopped before its first checkpoint: starting it again")
    }
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw .unwritable(file: url.path, detail: error.localizedDescription)
    }
    try folder.writeDescription(description)
    try log.start(tensorboard: tensorboard, settings: (try? RunFolder.yaml(for: description)) ?? "")
    startEpisodes()
  }

  /// Reopens the PQN run in `url` at its last checkpoint (see the type's note on episodes).
  public convenience init(resuming url: URL) throws(TrainingError) {
    let (folder, saved) = try RunFolder.checkpointed(url)
    try self.init(
      folder: folder, preset: saved.preset, definition: saved.environment, state: TrainingState(seed: saved.seed),
      presetFile: folder.agentFile.path)
    let restored = try checkpoint.restore()
    notes += restored.notes
    do {
      try network.load(restored.network, file: folder.url.path)
      try optimizer.restore(restored.optimizer)
    } catch {
      throw .corruptRun(file: checkpoint.base.generationsFolder.path, detail: "\(error)")
    }
    state = restored.scalars.loop
    counters = restored.scalars.pqn
    rng = SplitMix64(seed: counters.generator)
    guard counters.episodeIndices.count == preset.environments, counters.episodeActions.count == preset.environments else {
      throw .corruptRun(file: checkpoint.base.generationsFolder.path, detail: "state.json does not hold \(preset.environments) environments' episodes")
    }
    try checkpoint.base.publish(onlineNetwork: network, step: state.step, description: description)
    sessionStartStep = state.step
    lastCheckpointStep = state.step
    try log.resume(metricsRows: state.metricsRows, evalRows: state.evalRows, events: state.events)
    episodeActions = counters.episodeActions
    var stacks = self.stacks
    var started = [Bool](repeating: false, count: preset.environments)
    environments.restore(
      seed: counters.environmentSeed, episodeIndices: counters.episodeIndices, actions: counters.episodeActions
    ) { index, frame in
      if started[index] {
        stacks[index].push(frame)
      } else {
        stacks[index].reset(with: frame)
        started[index] = true
      }
    }
    self.stacks = stacks
  }

  private init(
    folder: RunFolder, preset: AgentPreset, definition: EnvironmentDefinition, state: TrainingState, presetFile: String
  ) throws(TrainingError) {
    precondition(preset.algorithm == .pqn, "PQNTrainer needs a preset with algorithm: pqn")
    self.folder = folder
    self.preset = preset
    self.definition = definition
    self.state = state
    counters = PQNCounters(seed: state.seed)
    rng = SplitMix64(seed: counters.generator)
    checkpoint = PQNCheckpoint(folder: folder)
    log = MetricsLog(folder: folder)
    do {
      environments = try VectorEnvironment(definition: definition, count: preset.environments)
      evaluationEnvironment = try definition.makeEnvironment()
    } catch {
      throw .environment(error)
    }
    let frame = definition.frameShape
    let depth = definition.observation.frameStack
    observationShape = [depth * frame.channels, frame.height, frame.width]
    observationSize = observationShape.reduce(1, *)
    actionCount = definition.actionNames.count
    do {
      network = try QNetworkBuilder.make(
        preset.network, dueling: preset.dueling, inputShape: observationShape, actionCount: actionCount, seed: state.seed)
    } catch {
      throw .network(error, file: presetFile)
    }
    parameters = network.parameters
    // The rollout (every step's observation) dominates: check it fits before allocating it.
    let steps = Double(preset.environments) * Double(preset.rolloutSteps)
    let parameterCount = Double(parameters.reduce(0) { $0 + $1.value.count })
    var estimate = MemoryEstimate()
    estimate.add("a rollout of \(preset.environments) × \(preset.rolloutSteps) observations", bytes: steps * Double(observationSize) * 4)
    estimate.add("its actions, rewards, ends and values", bytes: steps * 17)
    estimate.add("a minibatch and its activations", bytes: steps / Double(preset.minibatches) * Double(observationSize) * 4 * 3)
    estimate.add("the network with gradients and optimizer state", bytes: parameterCount * 4 * 4)
    do {
      try estimate.check("\(presetFile) on \(definition.name)")
    } catch {
      throw .tooLarge(error)
    }
    optimizer = DQNAgentBuilder.optimizer(preset: preset)
    exploration = DQNAgentBuilder.exploration(preset: preset)
    stacks = [ObservationStack](repeating: ObservationStack(frameShape: frame, depth: depth), count: preset.environments)
    episodeActions = [[Int]](repeating: [], count: preset.environments)
    let transitions = preset.environments * preset.rolloutSteps
    observations = [Float](repeating: 0, count: transitions * observationSize)
    actions = [Int](repeating: 0, count: transitions)
    rewards = [Float](repeating: 0, count: transitions)
    dones = [Bool](repeating: false, count: transitions)
    maxValues = [Float](repeating: 0, count: transitions)
    actingBatch = Tensor(shape: [preset.environments] + observationShape)
    let batch = transitions / preset.minibatches
    minibatch = Tensor(shape: [batch] + observationShape)
    outputGradient = Tensor(shape: [batch, actionCount])
    sessionStartStep = state.step
  }

  /// What `agent.yaml` says about this run now.
  public var description: RunFolder.Description {
    RunFolder.Description(
      preset: preset, environment: definition, seed: state.seed, stepsDone: state.step,
      episodesDone: state.episode, updatesDone: counters.updates, transfer: nil)
  }

  /// The ε of the next action.
  public var epsilon: Float { exploration.value(at: state.step) }

  /// The learning rate at the current step: `learningRate`, falling linearly to 0 over
  /// `learningRateDecaySteps` (never below 1e-20, as optax's schedule ends).
  public var learningRate: Float {
    guard preset.learningRateDecaySteps > 0 else { return preset.learningRate }
    let left = 1 - Float(state.step) / Float(preset.learningRateDecaySteps)
    return max(preset.learningRate * left, 1e-20)
  }

  /// Trains rollout by rollout until at least `totalSteps` environment steps have been taken
  /// (a rollout is `environments × rolloutSteps` steps and is never cut short), evaluates at the
  /// end, and saves a checkpoint. Stops early, also with a checkpoint, when `shouldStop` is true.
  public func train(
    toStep totalSteps: Int, shouldStop: () -> Bool = { false }, observer: (TrainingEvent) -> Void = { _ in }
  ) throws(TrainingError) -> TrainingOutcome {
    sessionStartStep = state.step
    var lastEvaluated: Int? = nil
    // An evaluation that Ctrl-C cut short is made in full first (same step, same seeds).
    if state.evaluationPending == true {
      guard try evaluate(shouldStop: shouldStop, observer: observer) else {
        try saveCheckpoint(observer: observer)
        return .interrupted
      }
      lastEvaluated = state.step
    }
    while state.step < totalSteps {
      if shouldStop() {
        try saveCheckpoint(observer: observer)
        return .interrupted
      }
      let before = state.step
      try collectRollout(observer: observer)
      try learn()
      counters.batches += 1
      if crossed(preset.evalInterval, from: before) {
        guard try evaluate(shouldStop: shouldStop, observer: observer) else {
          try saveCheckpoint(observer: observer)
          return .interrupted
        }
        lastEvaluated = state.step
      }
      if crossed(preset.checkpointInterval, from: before) && state.step < totalSteps {
        try saveCheckpoint(observer: observer)
      }
      observer(.progress(progress(totalSteps: totalSteps)))
    }
    // The run's final evaluation, at its last step (what `dqn benchmark` reads).
    if preset.evalInterval > 0 && lastEvaluated != state.step {
      guard try evaluate(shouldStop: shouldStop, observer: observer) else {
        try saveCheckpoint(observer: observer)
        return .interrupted
      }
    }
    try saveCheckpoint(observer: observer)
    return .finished
  }

  private func crossed(_ interval: Int, from before: Int) -> Bool {
    interval > 0 && state.step / interval > before / interval
  }

  /// The progress snapshot now.
  public func progress(totalSteps: Int) -> TrainingProgress {
    let recent = state.recentReturns
    return TrainingProgress(
      step: state.step, totalSteps: totalSteps, episodes: state.episode,
      meanReturn: recent.isEmpty ? nil : recent.reduce(0, +) / Double(recent.count),
      epsilon: epsilon, loss: counters.lastLoss,
      sessionSeconds: (ContinuousClock.now - sessionStart).totalSeconds, sessionSteps: state.step - sessionStartStep)
  }

  /// Saves the network, the optimizer and the counters as a checkpoint generation.
  public func saveCheckpoint() throws(TrainingError) {
    var loop = state
    loop.elapsedSeconds = wallTime
    loop.events = try log.flush()
    var saved = counters
    saved.generator = rng.state
    saved.episodeIndices = environments.episodeIndices
    saved.episodeActions = episodeActions
    try checkpoint.save(
      network: network.namedTensors, optimizer: optimizer.state, loop: loop, counters: saved,
      description: description)
    lastCheckpointStep = state.step
  }

  // MARK: - Rollout and learning

  private func startEpisodes() {
    let seed = state.seed &* 0x94D0_49BB_1331_11EB &+ 11
    counters.environmentSeed = seed
    let frames = environments.reset(seed: seed)
    for e in frames.indices {
      stacks[e].reset(with: frames[e])
      episodeActions[e].removeAll(keepingCapacity: true)
    }
  }

  /// Copies every environment's stacked observation into `actingBatch`.
  private func gatherObservations() {
    let size = observationSize
    actingBatch.withUnsafeMutableBufferPointer { batch in
      for e in stacks.indices {
        stacks[e].observation.withUnsafeBufferPointer { source in
          (batch.baseAddress! + e * size).update(from: source.baseAddress!, count: size)
        }
      }
    }
  }

  private func collectRollout(observer: (TrainingEvent) -> Void) throws(TrainingError) {
    let count = preset.environments
    let size = observationSize
    var stepActions = [Int](repeating: 0, count: count)
    var maxSum: Double = 0
    for t in 0..<preset.rolloutSteps {
      gatherObservations()
      actingBatch.withUnsafeBufferPointer { batch in
        observations.withUnsafeMutableBufferPointer { stored in
          (stored.baseAddress! + t * count * size).update(from: batch.baseAddress!, count: count * size)
        }
      }
      let q = network(actingBatch)
      let epsilon = epsilon
      q.withUnsafeBufferPointer { values in
        for e in 0..<count {
          let row = e * actionCount
          var best = 0
          for a in 1..<actionCount where values[row + a] > values[row + best] { best = a }
          maxValues[t * count + e] = values[row + best]
          maxSum += Double(values[row + best])
          stepActions[e] = EpsilonGreedy.action(epsilon: epsilon, actionCount: actionCount, using: &rng) { best }
          actions[t * count + e] = stepActions[e]
          episodeActions[e].append(stepActions[e])
        }
      }
      let result = environments.step(stepActions)
      state.step += count
      for e in 0..<count {
        let step = result.steps[e]
        rewards[t * count + e] = step.reward
        dones[t * count + e] = step.isEpisodeOver
        if let record = result.episodes[e] { try finishEpisode(record, epsilon: epsilon, observer: observer) }
        if let reset = result.resetFrames[e] {
          stacks[e].reset(with: reset)
          episodeActions[e].removeAll(keepingCapacity: true)
        } else {
          stacks[e].push(step.frame)
        }
      }
    }
    counters.lastMeanMaxQ = maxSum / Double(count * preset.rolloutSteps)
  }

  private func learn() throws(TrainingError) {
    let count = preset.environments
    gatherObservations()
    let q = network(actingBatch)
    var lastValues = [Float](repeating: 0, count: count)
    q.withUnsafeBufferPointer { values in
      for e in 0..<count {
        var best = values[e * actionCount]
        for a in 1..<actionCount { best = max(best, values[e * actionCount + a]) }
        lastValues[e] = best
      }
    }
    let targets = lambdaReturns(
      rewards: rewards, dones: dones, maxValues: maxValues, lastValues: lastValues, environments: count,
      discount: preset.discount, lambda: preset.lambda)
    let transitions = targets.count
    let batchSize = transitions / preset.minibatches
    let size = observationSize
    var order = Array(0..<transitions)
    var lossSum: Double = 0
    optimizer.learningRate = learningRate
    for _ in 0..<preset.epochs {
      rng.shuffle(&order)
      for m in 0..<preset.minibatches {
        let indices = order[(m * batchSize)..<((m + 1) * batchSize)]
        minibatch.withUnsafeMutableBufferPointer { batch in
          observations.withUnsafeBufferPointer { stored in
            for (b, index) in indices.enumerated() {
              (batch.baseAddress! + b * size).update(from: stored.baseAddress! + index * size, count: size)
            }
          }
        }
        network.zeroGradients()
        let output = network.forward(minibatch, training: true)
        var loss: Double = 0
        outputGradient.fill(with: 0)
        output.withUnsafeBufferPointer { values in
          outputGradient.withUnsafeMutableBufferPointer { gradient in
            for (b, index) in indices.enumerated() {
              let position = b * actionCount + actions[index]
              let error = values[position] - targets[index]
              loss += 0.5 * Double(error * error)
              gradient[position] = error / Float(batchSize)
            }
          }
        }
        loss /= Double(batchSize)
        guard loss.isFinite else {
          throw .nonFiniteLoss(
            step: state.step, loss: Float(loss), lastCheckpoint: lastCheckpointStep.map { "\(folder.url.path) at step \($0)" })
        }
        _ = network.backward(outputGradient)
        if preset.maxGradientNorm > 0 { _ = clipGradientNorm(parameters, maxNorm: preset.maxGradientNorm) }
        optimizer.update(parameters)
        counters.updates += 1
        lossSum += loss
      }
    }
    counters.lastLoss = Float(lossSum / Double(preset.epochs * preset.minibatches))
  }

  // MARK: - Logs, evaluation, checkpoints

  private func finishEpisode(_ record: EpisodeRecord, epsilon: Float, observer: (TrainingEvent) -> Void) throws(TrainingError) {
    state.episode += 1
    let row = EpisodeRow(
      step: state.step, episode: state.episode, episodeReturn: record.totalReward, length: record.length,
      epsilon: epsilon, meanLoss: counters.lastLoss.map(Double.init), meanMaxQ: counters.lastMeanMaxQ, wallTime: wallTime)
    state.recentReturns.append(record.totalReward)
    if state.recentReturns.count > 100 { state.recentReturns.removeFirst() }
    let session = (ContinuousClock.now - sessionStart).totalSeconds
    try log.append(row, stepsPerSecond: session > 0 ? Double(state.step - sessionStartStep) / session : 0)
    state.metricsRows += 1
    observer(.episode(row))
  }

  /// Evaluates the network; returns false, with no row and `evaluationPending` set for the
  /// checkpoint, when `shouldStop` cuts it short (checked before every step, so a policy whose
  /// episodes never end cannot keep Ctrl-C waiting).
  private func evaluate(shouldStop: () -> Bool, observer: (TrainingEvent) -> Void) throws(TrainingError) -> Bool {
    var seeds = SplitMix64(seed: state.seed &+ UInt64(state.step) &* 0x9E37_79B9_7F4A_7C15)
    let result = Evaluation.run(
      network: network, environment: evaluationEnvironment, stackDepth: definition.observation.frameStack,
      episodes: preset.evalEpisodes, epsilon: preset.evalEpsilon, seed: seeds.next(), shouldStop: shouldStop)
    state.evaluationPending = result.episodes == preset.evalEpisodes ? nil : true
    guard state.evaluationPending == nil else { return false }
    let isBest = state.bestEvalReturn.map { result.mean > $0 } ?? true
    if isBest {
      state.bestEvalReturn = result.mean
      try checkpoint.base.saveBestWeights(of: network, step: state.step)
    }
    var shown = evaluationEnvironment
    let frame = shown.reset(seed: state.seed)
    try log.append(EvaluationRow(step: state.step, result: result, wallTime: wallTime), frame: frame)
    state.evalRows += 1
    observer(.evaluation(step: state.step, result: result, isBest: isBest))
    return true
  }

  private func saveCheckpoint(observer: (TrainingEvent) -> Void) throws(TrainingError) {
    try saveCheckpoint()
    observer(.checkpoint(step: state.step))
  }

  private var wallTime: Double { state.elapsedSeconds + (ContinuousClock.now - sessionStart).totalSeconds }
}
