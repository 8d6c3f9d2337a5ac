import Foundation
import GridGames
import NeuralNetwork

/// Trains a DQN agent on one environment: the loop of cleanrl's `dqn_atari.py`, read top to
/// bottom in `train(toStep:shouldStop:observer:)`. The loop only steps the environment, feeds
/// the agent, logs (`MetricsLog`) and evaluates; `RunCheckpoint` saves and restores the run so
/// that `Trainer(resuming:)` continues bit for bit.
public final class Trainer {
  public let folder: RunFolder
  public let preset: AgentPreset
  public let definition: EnvironmentDefinition
  public let agent: DQNAgent
  public private(set) var state: TrainingState
  private let checkpoint: RunCheckpoint
  private let log: MetricsLog
  private var environment: GridEnvironment
  private let evaluationEnvironment: GridEnvironment
  private var stack: ObservationStack
  /// The frame the agent acts in next (the newest of `stack`).
  private var currentFrame: Frame
  private let sessionStart = ContinuousClock.now
  private var sessionStartStep: Int
  private var lastCheckpointStep: Int?
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
  /// - Throws: `TrainingError` when the folder holds a run, the network does not fit the
  ///   environment, the transfer cannot be done, or a file cannot be written.
  public convenience init(
    newRunAt url: URL, preset: AgentPreset, environment definition: EnvironmentDefinition, seed: UInt64,
    tensorboard: Bool = true, transfer: NetworkTransfer? = nil
  ) throws(TrainingError) {
    let folder = RunFolder(url)
    if RunCheckpoint(folder: folder).exists {
      throw .unwritable(file: url.path, detail: "it already holds a run with a checkpoint; continue it with --resume \(url.path) or choose another --out")
    }
    let restarts = folder.holdsRunFiles
    try self.init(folder: folder, preset: preset, definition: definition, state: TrainingState(seed: seed), presetFile: "the agent preset")
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
    startEpisode()
  }

  /// Reopens the run in `url` exactly where its last checkpoint left it.
  ///
  /// - Throws: `TrainingError` when the folder is not a run, a file is missing, truncated or
  ///   corrupted, or the saved network does not fit the environment.
  public convenience init(resuming url: URL) throws(TrainingError) {
    let folder = RunFolder(url)
    guard RunCheckpoint(folder: folder).exists else {
      throw .notARun(
        directory: url.path,
        detail: "it has no checkpoint (shipped agents keep only their weights; a run stopped before its first checkpoint can be started again with the same --out)")
    }
    let saved = try folder.readDescription()
    try self.init(
      folder: folder, preset: saved.preset, definition: saved.environment, state: TrainingState(seed: saved.seed),
      presetFile: folder.agentFile.path)
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
    // Games draw only from their seeded generator: replaying the episode's actions rebuilds it.
    currentFrame = environment.reset(seed: state.episodeSeed)
    stack.reset(with: currentFrame)
    for (index, action) in state.episodeActions.enumerated() {
      let step = environment.step(action)
      // A saved episode is one still running: an end on the way means the actions are not its own.
      guard !step.isEpisodeOver else {
        throw .corruptRun(
          file: folder.url.path,
          detail: "the checkpoint's current episode (episodeActions in state.json) ends at action \(index + 1) of \(state.episodeActions.count)")
      }
      currentFrame = step.frame
      stack.push(step.frame)
    }
    // A crash between a checkpoint and the files beside it leaves those a step behind: renew them.
    try checkpoint.publish(onlineNetwork: agent.onlineNetwork, step: state.step, description: description)
    sessionStartStep = state.step
    lastCheckpointStep = state.step
    try log.resume(metricsRows: state.metricsRows, evalRows: state.evalRows, events: state.events)
  }

  private init(
    folder: RunFolder, preset: AgentPreset, definition: EnvironmentDefinition, state: TrainingState, presetFile: String
  ) throws(TrainingError) {
    self.folder = folder
    self.preset = preset
    self.definition = definition
    self.state = state
    checkpoint = RunCheckpoint(folder: folder)
    log = MetricsLog(folder: folder)
    do {
      environment = try definition.makeEnvironment()
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
        actionCount: definition.actionNames.count, seed: state.seed)
    } catch {
      throw .network(error, file: presetFile)
    }
    stack = ObservationStack(frameShape: environment.frameShape, depth: definition.observation.frameStack)
    currentFrame = Frame(shape: environment.frameShape)
    sessionStartStep = state.step
  }

  /// What `agent.yaml` says about this run now.
  public var description: RunFolder.Description {
    RunFolder.Description(
      preset: preset, environment: definition, seed: state.seed, stepsDone: state.step,
      episodesDone: state.episode, updatesDone: agent.updates, transfer: transfer)
  }

  /// Trains until `totalSteps` environment steps have been taken in the whole run, then saves
  /// a checkpoint. Stops early, also with a checkpoint, when `shouldStop` returns true.
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
      // 1. Act ε-greedily on the stacked observation.
      let epsilon = agent.epsilon
      let action = agent.act(stack.observation)

      // 2. Step the environment.
      let step = environment.step(action)
      state.step += 1
      state.episodeActions.append(action)
      state.episodeReturn += Double(step.reward)

      // 3. Log a finished episode (its row holds the updates made before this step).
      if step.isEpisodeOver { try finishEpisode(epsilon: epsilon, observer: observer) }

      // 4. Feed the agent: it stores the transition and learns when its settings say so.
      do {
        try agent.observe(Transition(frame: currentFrame, action: action, step: step), shouldStop: shouldStop)
      } catch {
        throw .nonFiniteLoss(
          step: state.step, loss: error.loss, lastCheckpoint: lastCheckpointStep.map { "\(folder.url.path) at step \($0)" })
      }

      // 5. CRUCIAL: move on to the next observation, or reset at an episode's end.
      if step.isEpisodeOver {
        startEpisode()
      } else {
        currentFrame = step.frame
        stack.push(step.frame)
      }

      // 6. Evaluate and keep the best weights.
      if preset.evalInterval > 0 && state.step % preset.evalInterval == 0 {
        try evaluate(shouldStop: shouldStop, observer: observer)
      }

      // 7. Checkpoint.
      if preset.checkpointInterval > 0 && state.step % preset.checkpointInterval == 0 && state.step < totalSteps {
        try saveCheckpoint(observer: observer)
      }
      if state.step % 100 == 0 { observer(.progress(progress(totalSteps: totalSteps))) }
    }
    try saveCheckpoint(observer: observer)
    return .finished
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

  private func startEpisode() {
    var seeds = SplitMix64(seed: state.episodeSeedGenerator)
    state.episodeSeed = seeds.next()
    state.episodeSeedGenerator = seeds.state
    state.episodeActions.removeAll(keepingCapacity: true)
    state.episodeReturn = 0
    currentFrame = environment.reset(seed: state.episodeSeed)
    stack.reset(with: currentFrame)
  }

  private func finishEpisode(epsilon: Float, observer: (TrainingEvent) -> Void) throws(TrainingError) {
    state.episode += 1
    let learning = agent.takeStatistics()
    let row = EpisodeRow(
      step: state.step, episode: state.episode, episodeReturn: state.episodeReturn,
      length: state.episodeActions.count, epsilon: epsilon, meanLoss: learning.meanLoss,
      meanMaxQ: learning.meanMaxQ, wallTime: wallTime)
    state.recentReturns.append(state.episodeReturn)
    if state.recentReturns.count > 100 { state.recentReturns.removeFirst() }
    let session = (ContinuousClock.now - sessionStart).totalSeconds
    try log.append(row, stepsPerSecond: session > 0 ? Double(state.step - sessionStartStep) / session : 0)
    state.metricsRows += 1
    observer(.episode(row))
  }

  /// An evaluation that `shouldStop` cuts short is dropped: no row, no best weights.
  private func evaluate(shouldStop: () -> Bool, observer: (TrainingEvent) -> Void) throws(TrainingError) {
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
    try log.append(EvaluationRow(step: state.step, result: result, wallTime: wallTime), frame: currentFrame)
    state.evalRows += 1
    observer(.evaluation(step: state.step, result: result, isBest: isBest))
  }

  private func saveCheckpoint(observer: (TrainingEvent) -> Void) throws(TrainingError) {
    try saveCheckpoint()
    observer(.checkpoint(step: state.step))
  }

  private var wallTime: Double { state.elapsedSeconds + (ContinuousClock.now - sessionStart).totalSeconds }
}
