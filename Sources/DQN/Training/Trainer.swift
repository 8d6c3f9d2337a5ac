import Foundation
import GridGames
import NeuralNetwork

/// Trains a DQN agent on one environment: the loop of cleanrl's `dqn_atari.py`, read top to
/// bottom in `train(toStep:shouldStop:observer:)`. The loop only steps the environment, feeds
/// the agent, logs (`MetricsLog`) and evaluates; `RunCheckpoint` saves and restores the run so
/// that `Trainer(resuming:)` continues bit for bit.
///
/// With `envs` > 1 (`--envs N`) the loop steps N copies of the environment together: one
/// batched forward pass chooses the N actions, each copy writes its own replay stream, and the
/// agent's update schedule still counts environment steps. One copy is the single loop, bit for bit.
public final class Trainer {
  public let folder: RunFolder
  public let preset: AgentPreset
  public let definition: EnvironmentDefinition
  public let agent: DQNAgent
  public internal(set) var state: TrainingState
  let checkpoint: RunCheckpoint
  let log: MetricsLog
  /// Environment copies stepped together (by the loop, or by each actor).
  public let envs: Int
  /// Actors feeding the learner (`--actors K`, `--distributed`); 0 for the single loop.
  public let actors: Int
  private var environments: [GridEnvironment]
  private let evaluationEnvironment: GridEnvironment
  private var stacks: [ObservationStack]
  /// The frame each copy acts in next (the newest of its stack).
  private var currentFrames: [Frame]
  /// `[envs, k·C, H, W]`: the copies' observations, batched.
  private var observations: Tensor
  /// The actions chosen for the copies this step.
  private var actions = [0]
  let sessionStart = ContinuousClock.now
  var sessionStartStep: Int
  var lastCheckpointStep: Int?
  /// What opening the run had to say: a checkpoint skipped as incomplete, leftovers removed, a
  /// folder without a checkpoint started again.
  public private(set) var notes: [String] = []
  /// Where the first weights came from and which layers are frozen; recorded in `agent.yaml`.
  public private(set) var transfer: TransferRecord?
  /// What `--init-from`/`--freeze` did to each tensor, for a new run started with them.
  public private(set) var transferReport: TransferReport?

  /// Starts a new run in `url` (created if needed; it must not already hold a run).
  ///
  /// - Parameters:
  ///   - tensorboard: also write a TensorBoard event file (a resumed run keeps the choice).
  ///   - transfer: start the online network from saved weights and freeze layers
  ///     (`DQNAgent.start(from:)`); the target network starts as its copy, the replay empty.
  ///   - envs: environment copies stepped together (`--envs N`).
  ///   - splitsUpdates: split each update's batch over two threads (`DQNAgent.splitsUpdates`,
  ///     `--threads 2` or more); recorded in `agent.yaml`, so a resumed run keeps it. Ignored
  ///     with actors, whose learner keeps one thread.
  /// - Throws: `TrainingError` when the folder holds a run, the network does not fit the
  ///   environment, the transfer cannot be done, or a file cannot be written.
  public convenience init(
    newRunAt url: URL, preset: AgentPreset, environment definition: EnvironmentDefinition, seed: UInt64,
    tensorboard: Bool = true, transfer: NetworkTransfer? = nil, envs: Int = 1, actors: Int = 0,
    splitsUpdates: Bool = false
  ) throws(TrainingError) {
    let folder = RunFolder(url)
    if RunCheckpoint(folder: folder).exists {
      throw .unwritable(file: url.path, detail: "it already holds a run with a checkpoint; continue it with --resume \(url.path) or choose another --out")
    }
    let restarts = folder.holdsRunFiles
    try self.init(
      folder: folder, preset: preset, definition: definition, state: TrainingState(seed: seed),
      presetFile: "the agent preset", envs: envs, actors: actors)
    agent.splitsUpdates = splitsUpdates && actors == 0
    if restarts {
      // A run stopped before its first checkpoint cannot be resumed: start it again.
      try folder.removeRunFiles()
      notes.append("\(url.path) held a run stopped before its first checkpoint: starting it again")
    }
    if let transfer {
      do {
        let report = try agent.start(from: transfer)
        transferReport = report
        self.transfer = TransferRecord(report)
      } catch {
        throw .transfer(error)
      }
    }
    // Only once the preset fits the environment, so a bad preset leaves no empty run folder.
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw .unwritable(file: url.path, detail: error.localizedDescription)
    }
    try folder.writeDescription(description)
    try log.start(tensorboard: tensorboard, settings: (try? RunFolder.yaml(for: description)) ?? "")
    for copy in 0..<envs { startEpisode(copy: copy) }
  }

  /// Reopens the run in `url` exactly where its last checkpoint left it.
  ///
  /// - Throws: `TrainingError` when the folder is not a run, a file is missing, truncated or
  ///   corrupted, or the saved network does not fit the environment.
  public convenience init(resuming url: URL) throws(TrainingError) {
    let (folder, saved) = try RunFolder.checkpointed(url)
    try self.init(
      folder: folder, preset: saved.preset, definition: saved.environment, state: TrainingState(seed: saved.seed),
      presetFile: folder.agentFile.path, envs: saved.envs, actors: saved.actors)
    // The bits of an uninterrupted run: its updates split (or not) as they were.
    agent.splitsUpdates = saved.splitUpdates && actors == 0
    if let record = saved.transfer {
      // The layers frozen when the run started stay frozen; the weights come from the checkpoint.
      do {
        agent.onlineNetwork.freeze(layers: try LayerSelection(record.frozen).resolve(in: agent.onlineNetwork, option: "transfer.frozen"))
      } catch {
        throw .corruptRun(file: folder.agentFile.path, detail: error.description)
      }
      transfer = record
    }
    (state, notes) = try checkpoint.restore(into: agent, maxEpisodeSteps: definition.observation.maxEpisodeSteps)
    if actors > 0 {
      // Actors start new episodes; the ones cut off by the checkpoint end without a final frame.
      for stream in 0..<agent.replay.streams { agent.replay.abandonEpisode(stream: stream) }
      notes.append("a run with actors resumes close to, not exactly as, an uninterrupted one (actors start new episodes, threads interleave)")
    } else {
      let others = state.otherEpisodes?.count ?? 0
      guard others == envs - 1 else {
        throw .corruptRun(
          file: folder.url.path,
          detail: "state.json holds the episodes of \(others + 1) environment copies, but the run has envs: \(envs)")
      }
      // Games draw only from their seeded generator: replaying each copy's episode rebuilds it.
      for copy in 0..<envs {
        let episode = state.episode(of: copy)
        currentFrames[copy] = environments[copy].reset(seed: episode.seed)
        stacks[copy].reset(with: currentFrames[copy])
        for (index, action) in episode.actions.enumerated() {
          let step = environments[copy].step(action)
          // A saved episode is one still running: an end on the way means the actions are not its own.
          guard !step.isEpisodeOver else {
            let field = copy == 0 ? "episodeActions" : "otherEpisodes[\(copy - 1)].actions"
            throw .corruptRun(
              file: folder.url.path,
              detail: "the checkpoint's current episode (\(field) in state.json) ends at action \(index + 1) of \(episode.actions.count)")
          }
          currentFrames[copy] = step.frame
          stacks[copy].push(step.frame)
        }
      }
    }
    // A crash between a checkpoint and the files beside it leaves those a step behind: renew them.
    try checkpoint.publish(onlineNetwork: agent.onlineNetwork, step: state.step, description: description)
    sessionStartStep = state.step
    lastCheckpointStep = state.step
    try log.resume(metricsRows: state.metricsRows, evalRows: state.evalRows, events: state.events)
  }

  private init(
    folder: RunFolder, preset: AgentPreset, definition: EnvironmentDefinition, state: TrainingState, presetFile: String,
    envs: Int, actors: Int
  ) throws(TrainingError) {
    precondition(envs >= 1 && actors >= 0, "a run needs at least one environment copy, got \(envs)")
    self.envs = envs
    self.actors = actors
    self.folder = folder
    self.preset = preset
    self.definition = definition
    self.state = state
    checkpoint = RunCheckpoint(folder: folder)
    log = MetricsLog(folder: folder, actorColumns: actors > 0)
    do {
      var made: [GridEnvironment] = []
      for _ in 0..<envs { made.append(try definition.makeEnvironment()) }
      environments = made
      evaluationEnvironment = try definition.makeEnvironment()
    } catch {
      throw .environment(error)
    }
    let actionCount = definition.actionNames.count
    let stackDepth = definition.observation.frameStack
    do {
      try DQNAgentBuilder.memoryEstimate(
        preset: preset, frameShape: definition.frameShape, stackDepth: stackDepth, actionCount: actionCount
      ).check("\(presetFile) on \(definition.name)")
    } catch {
      throw .tooLarge(error)
    }
    do {
      agent = try DQNAgentBuilder.make(
        preset: preset, frameShape: definition.frameShape, stackDepth: definition.observation.frameStack,
        actionCount: definition.actionNames.count, seed: state.seed, streams: envs * max(actors, 1))
    } catch {
      throw .network(error, file: presetFile)
    }
    let frameShape = environments[0].frameShape
    stacks = [ObservationStack](
      repeating: ObservationStack(frameShape: frameShape, depth: definition.observation.frameStack), count: envs)
    currentFrames = [Frame](repeating: Frame(shape: frameShape), count: envs)
    observations = Tensor(shape: [envs] + agent.observationShape)
    sessionStartStep = state.step
  }

  /// What `agent.yaml` says about this run now.
  public var description: RunFolder.Description {
    RunFolder.Description(
      preset: preset, environment: definition, seed: state.seed, stepsDone: state.step,
      episodesDone: state.episode, updatesDone: agent.updates, transfer: transfer, envs: envs,
      actors: actors, splitUpdates: agent.splitsUpdates)
  }

  /// Trains until `totalSteps` environment steps have been taken in the whole run, then saves
  /// a checkpoint. Stops early, also with a checkpoint, when `shouldStop` returns true. With N
  /// copies the loop takes N steps at a time, so it ends at the first multiple of N from there.
  ///
  /// - Throws: `TrainingError.nonFiniteLoss` (leaving the last checkpoint in place) or a file error.
  public func train(
    toStep totalSteps: Int, shouldStop: () -> Bool = { false }, observer: (TrainingEvent) -> Void = { _ in }
  ) throws(TrainingError) -> TrainingOutcome {
    sessionStartStep = state.step
    // An interrupted step first finishes what it owed: its updates, then its evaluation.
    if agent.pendingUpdates > 0 || state.evaluationPending == true {
      do {
        try agent.finishPendingUpdates(shouldStop: shouldStop)
      } catch {
        throw .nonFiniteLoss(
          step: state.step, loss: error.loss, lastCheckpoint: lastCheckpointStep.map { "\(folder.url.path) at step \($0)" })
      }
      if agent.pendingUpdates == 0 && state.evaluationPending == true {
        try evaluate(shouldStop: shouldStop, observer: observer)
      }
    }
    while state.step < totalSteps {
      if shouldStop() {
        try saveCheckpoint(observer: observer)
        return .interrupted
      }
      let stepBefore = state.step
      // 1. Act ε-greedily on the stacked observations (N copies: one batched forward pass).
      let epsilon = agent.epsilon
      if envs == 1 {
        actions[0] = agent.act(stacks[0].observation)  // kept between steps: no array per step
      } else {
        actions = agent.act(batch: batchedObservations())
      }

      for copy in 0..<envs {
        let action = actions[copy]
        // 2. Step the environment.
        let step = environments[copy].step(action)
        state.step += 1
        state.record(action: action, reward: step.reward, copy: copy)

        // 3. Log a finished episode (its row holds the updates made before this step).
        if step.isEpisodeOver { try finishEpisode(copy: copy, epsilon: epsilon, observer: observer) }

        // 4. Feed the agent: it stores the transition and learns when its settings say so.
        do {
          try agent.observe(Transition(frame: currentFrames[copy], action: action, step: step), stream: copy, shouldStop: shouldStop)
        } catch {
          throw .nonFiniteLoss(
            step: state.step, loss: error.loss, lastCheckpoint: lastCheckpointStep.map { "\(folder.url.path) at step \($0)" })
        }

        // 5. CRUCIAL: move on to the next observation, or reset at an episode's end.
        if step.isEpisodeOver {
          startEpisode(copy: copy)
        } else {
          currentFrames[copy] = step.frame
          stacks[copy].push(step.frame)
        }
      }

      // 6. Evaluate and keep the best weights.
      if Self.crosses(preset.evalInterval, from: stepBefore, to: state.step) {
        try evaluate(shouldStop: shouldStop, observer: observer)
      }

      // 7. Checkpoint.
      if Self.crosses(preset.checkpointInterval, from: stepBefore, to: state.step) && state.step < totalSteps {
        try saveCheckpoint(observer: observer)
      }
      if Self.crosses(100, from: stepBefore, to: state.step) { observer(.progress(progress(totalSteps: totalSteps))) }
    }
    try saveCheckpoint(observer: observer)
    return .finished
  }

  /// Whether going from step `start` to `end` reaches a multiple of `interval` (> 0).
  static func crosses(_ interval: Int, from start: Int, to end: Int) -> Bool {
    interval > 0 && end / interval > start / interval
  }

  /// The copies' stacked observations as one `[N, k·C, H, W]` batch.
  private func batchedObservations() -> Tensor {
    let floats = agent.observationShape.reduce(1, *)
    observations.withUnsafeMutableBufferPointer { batch in
      guard let base = batch.baseAddress else { return }
      for copy in 0..<envs {
        stacks[copy].observation.withUnsafeBufferPointer { one in
          if let source = one.baseAddress { (base + copy * floats).update(from: source, count: floats) }
        }
      }
    }
    return observations
  }

  /// The progress snapshot now.
  public func progress(totalSteps: Int) -> TrainingProgress {
    let recent = state.recentReturns
    return TrainingProgress(
      step: state.step, totalSteps: totalSteps, episodes: state.episode,
      meanReturn: recent.isEmpty ? nil : recent.reduce(0, +) / Double(recent.count),
      epsilon: agent.epsilon, loss: agent.lastLoss,
      sessionSeconds: (ContinuousClock.now - sessionStart).totalSeconds, sessionSteps: state.step - sessionStartStep)
  }

  /// Saves the agent's and the loop's state (`RunCheckpoint`).
  public func saveCheckpoint() throws(TrainingError) {
    var loop = state
    loop.elapsedSeconds = wallTime
    // The event file first: the checkpoint records where it ends, and a resume cuts it back there.
    loop.events = try log.flush()
    try checkpoint.save(agent: agent.state, loop: loop, description: description)
    lastCheckpointStep = state.step
  }

  // MARK: - Episodes, evaluation, checkpoints

  /// Starts copy `copy`'s next episode with the next seed of the run's episode-seed stream.
  private func startEpisode(copy: Int) {
    var seeds = SplitMix64(seed: state.episodeSeedGenerator)
    var episode = TrainingState.CopyEpisode()
    episode.seed = seeds.next()
    state.episodeSeedGenerator = seeds.state
    if copy == 0 {
      state.episodeSeed = episode.seed
      state.episodeActions.removeAll(keepingCapacity: true)
      state.episodeReturn = 0
    } else {
      state.setEpisode(episode, of: copy)
    }
    currentFrames[copy] = environments[copy].reset(seed: episode.seed)
    stacks[copy].reset(with: currentFrames[copy])
  }

  private func finishEpisode(copy: Int, epsilon: Float, observer: (TrainingEvent) -> Void) throws(TrainingError) {
    state.episode += 1
    let learning = agent.takeStatistics()
    let episode = state.episode(of: copy)
    let row = EpisodeRow(
      step: state.step, episode: state.episode, episodeReturn: episode.episodeReturn,
      length: episode.actions.count, epsilon: epsilon, meanLoss: learning.meanLoss,
      meanMaxQ: learning.meanMaxQ, wallTime: wallTime)
    state.recentReturns.append(episode.episodeReturn)
    if state.recentReturns.count > 100 { state.recentReturns.removeFirst() }
    try appendEpisodeRow(row, observer: observer)
  }

  /// Writes an episode's row (and its events) and counts it.
  func appendEpisodeRow(_ row: EpisodeRow, observer: (TrainingEvent) -> Void) throws(TrainingError) {
    let session = (ContinuousClock.now - sessionStart).totalSeconds
    try log.append(row, stepsPerSecond: session > 0 ? Double(state.step - sessionStartStep) / session : 0)
    state.metricsRows += 1
    observer(.episode(row))
  }

  /// An evaluation that `shouldStop` cuts short is dropped: no row, no best weights.
  func evaluate(shouldStop: () -> Bool = { false }, observer: (TrainingEvent) -> Void) throws(TrainingError) {
    var seeds = SplitMix64(seed: state.seed &+ UInt64(state.step) &* 0x9E37_79B9_7F4A_7C15)
    let result = Evaluation.run(
      network: agent.onlineNetwork, environment: evaluationEnvironment,
      stackDepth: definition.observation.frameStack, episodes: preset.evalEpisodes,
      epsilon: preset.evalEpsilon, seed: seeds.next(),
      shouldStop: { agent.pendingUpdates > 0 || shouldStop() })
    // Cut short (or due before the step's updates are all made): made in full after a resume.
    state.evaluationPending = result.episodes == preset.evalEpisodes ? nil : true
    guard state.evaluationPending == nil else { return }
    let isBest = state.bestEvalReturn.map { result.mean > $0 } ?? true
    if isBest {
      state.bestEvalReturn = result.mean
      try checkpoint.saveBestWeights(of: agent.onlineNetwork, step: state.step)
    }
    try log.append(EvaluationRow(step: state.step, result: result, wallTime: wallTime), frame: currentFrames[0])
    state.evalRows += 1
    observer(.evaluation(step: state.step, result: result, isBest: isBest))
  }

  func saveCheckpoint(observer: (TrainingEvent) -> Void) throws(TrainingError) {
    try saveCheckpoint()
    observer(.checkpoint(step: state.step))
  }

  var wallTime: Double { state.elapsedSeconds + (ContinuousClock.now - sessionStart).totalSeconds }
}
