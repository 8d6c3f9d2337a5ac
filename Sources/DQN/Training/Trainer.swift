import FileIO
import Foundation
import GridGames
import NeuralNetwork

/// Trains a DQN agent on one environment and keeps its run folder: the loop of cleanrl's
/// `dqn_atari.py`, read top to bottom in `train(toStep:shouldStop:observer:)`, plus checkpoints
/// that let `Trainer(resuming:)` continue bit for bit.
public final class Trainer {
  public let folder: RunFolder
  public let preset: AgentPreset
  public let definition: EnvironmentDefinition
  public let agent: DQNAgent
  public private(set) var state: TrainingState
  private var environment: GridEnvironment
  private let evaluationEnvironment: GridEnvironment
  private var stack: ObservationStack
  /// The frame the agent acts in next (the newest of `stack`).
  private var currentFrame: Frame
  private let epsilonSchedule: LinearSchedule
  private var actionGenerator: SplitMix64
  private var replayGenerator: SplitMix64
  private var episodeSeedGenerator: SplitMix64
  private let sessionStart = ContinuousClock.now
  private var sessionStartStep: Int
  private var lastLoss: Float?
  private var lastCheckpointStep: Int?

  /// Starts a new run in `url` (created if needed; it must not already hold a run).
  ///
  /// - Throws: `TrainingError` when the folder holds a run, the network does not fit the
  ///   environment, or a file cannot be written.
  public init(newRunAt url: URL, preset: AgentPreset, environment definition: EnvironmentDefinition, seed: UInt64)
    throws(TrainingError)
  {
    folder = RunFolder(url)
    if FileManager.default.fileExists(atPath: folder.agentFile.path) {
      throw .unwritable(file: url.path, detail: "it already holds a run; continue it with --resume \(url.path) or choose another --out")
    }
    self.preset = preset
    self.definition = definition
    state = TrainingState(seed: seed)
    (environment, evaluationEnvironment) = try Self.makeEnvironments(definition)
    agent = try Self.makeAgent(preset: preset, definition: definition, seed: seed, file: "the agent preset")
    // Only once the preset fits the environment, so a bad preset leaves no empty run folder.
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw .unwritable(file: url.path, detail: error.localizedDescription)
    }
    epsilonSchedule = Self.epsilonSchedule(preset)
    actionGenerator = SplitMix64(seed: state.actionGenerator)
    replayGenerator = SplitMix64(seed: state.replayGenerator)
    episodeSeedGenerator = SplitMix64(seed: state.episodeSeedGenerator)
    stack = ObservationStack(frameShape: environment.frameShape, depth: definition.observation.frameStack)
    currentFrame = Frame(shape: environment.frameShape)
    sessionStartStep = 0
    try folder.writeDescription(description)
    try Self.writeText(EpisodeRow.header + "\n", to: folder.metricsFile)
    try Self.writeText(Self.evalHeader + "\n", to: folder.evalFile)
    startEpisode()
  }

  /// Reopens the run in `url` exactly where its last checkpoint left it.
  ///
  /// - Throws: `TrainingError` when the folder is not a run, a file is missing, truncated or
  ///   corrupted, or the saved network does not fit the environment.
  public init(resuming url: URL) throws(TrainingError) {
    folder = RunFolder(url)
    let saved = try folder.readDescription()
    preset = saved.preset
    definition = saved.environment
    guard let stateData = FileManager.default.contents(atPath: folder.stateFile.path) else {
      throw .notARun(directory: url.path, detail: "it has no state.json, so it cannot be resumed (shipped agents keep only their weights)")
    }
    do {
      state = try JSONDecoder().decode(TrainingState.self, from: stateData)
    } catch {
      throw .corruptRun(file: folder.stateFile.path, detail: "cannot be read: \(error)")
    }
    (environment, evaluationEnvironment) = try Self.makeEnvironments(definition)
    agent = try Self.makeAgent(preset: preset, definition: definition, seed: saved.seed, file: folder.agentFile.path)
    do {
      try agent.onlineNetwork.load(from: folder.weightsFile)
      try agent.targetNetwork.load(from: folder.targetFile)
      try agent.optimizer.restore(SafeTensors.read(folder.optimizerFile).tensors)
    } catch let error as CheckpointError {
      throw .checkpoint(error)
    } catch {
      throw .corruptRun(file: folder.optimizerFile.path, detail: "\(error)")
    }
    do {
      try agent.replay.read(from: folder.replayFile)
    } catch {
      throw .replay(error)
    }
    agent.updateCount = state.updateCount
    epsilonSchedule = Self.epsilonSchedule(preset)
    actionGenerator = SplitMix64(seed: state.actionGenerator)
    replayGenerator = SplitMix64(seed: state.replayGenerator)
    episodeSeedGenerator = SplitMix64(seed: state.episodeSeedGenerator)
    stack = ObservationStack(frameShape: environment.frameShape, depth: definition.observation.frameStack)
    currentFrame = Frame(shape: environment.frameShape)
    sessionStartStep = state.step
    lastCheckpointStep = state.step
    try Self.truncateCSV(folder.metricsFile, header: EpisodeRow.header, rows: state.metricsRows)
    try Self.truncateCSV(folder.evalFile, header: Self.evalHeader, rows: state.evalRows)
    // Games draw only from their seeded generator: replaying the episode's actions rebuilds it.
    currentFrame = environment.reset(seed: state.episodeSeed)
    stack.reset(with: currentFrame)
    for action in state.episodeActions {
      let step = environment.step(action)
      currentFrame = step.frame
      stack.push(step.frame)
    }
  }

  /// What `agent.yaml` says about this run now.
  public var description: RunFolder.Description {
    RunFolder.Description(
      preset: preset, environment: definition, seed: state.seed, stepsDone: state.step,
      episodesDone: state.episode, updatesDone: agent.updateCount)
  }

  /// Trains until `totalSteps` environment steps have been taken in the whole run, then saves
  /// a checkpoint. Stops early, also with a checkpoint, when `shouldStop` returns true.
  ///
  /// - Throws: `TrainingError.nonFiniteLoss` (leaving the last checkpoint in place) or a file error.
  public func train(
    toStep totalSteps: Int, shouldStop: () -> Bool = { false }, observer: (TrainingEvent) -> Void = { _ in }
  ) throws(TrainingError) -> TrainingOutcome {
    sessionStartStep = state.step
    while state.step < totalSteps {
      if shouldStop() {
        try saveCheckpoint()
        observer(.checkpoint(step: state.step))
        return .interrupted
      }
      // 1. Act ε-greedily on the stacked observation.
      let epsilon = epsilonSchedule.value(at: state.step)
      let action = agent.act(stack.observation, epsilon: epsilon, using: &actionGenerator)

      // 2. Step the environment.
      let step = environment.step(action)
      state.episodeActions.append(action)
      state.episodeReturn += Double(step.reward)

      // 3. Store the transition: the frame acted in, the action, the (clipped) reward, the flags.
      agent.replay.add(
        frame: currentFrame, action: action, reward: clipped(step.reward),
        terminated: step.terminated, truncated: step.truncated)
      state.step += 1

      // 4. CRUCIAL: move on to the next observation; at an episode's end store its final frame
      //    (truncated steps bootstrap from it) and reset.
      if step.isEpisodeOver {
        agent.replay.addFinal(frame: step.frame)
        try finishEpisode(epsilon: epsilon, observer: observer)
        startEpisode()
      } else {
        currentFrame = step.frame
        stack.push(step.frame)
      }

      // 5. Learn.
      if state.step > preset.learningStarts && state.step % preset.trainFrequency == 0
        && agent.replay.count >= preset.batchSize && agent.replay.canSample
      {
        for _ in 0..<preset.gradientSteps {
          let result = agent.learn(step: state.step, using: &replayGenerator)
          guard result.loss.isFinite else {
            throw .nonFiniteLoss(
              step: state.step, loss: result.loss,
              lastCheckpoint: lastCheckpointStep.map { "\(folder.url.path) at step \($0)" })
          }
          state.lossSum += Double(result.loss)
          state.maxQSum += Double(result.meanMaxQ)
          state.updatesSinceRow += 1
          lastLoss = result.loss
        }
      }

      // 6. Evaluate and keep the best weights.
      if preset.evalInterval > 0 && state.step % preset.evalInterval == 0 {
        try evaluate(observer: observer)
      }

      // 7. Checkpoint.
      if preset.checkpointInterval > 0 && state.step % preset.checkpointInterval == 0 && state.step < totalSteps {
        try saveCheckpoint()
        observer(.checkpoint(step: state.step))
      }
      if state.step % 100 == 0 { observer(.progress(progress(totalSteps: totalSteps))) }
    }
    try saveCheckpoint()
    observer(.checkpoint(step: state.step))
    return .finished
  }

  /// The progress snapshot now.
  public func progress(totalSteps: Int) -> TrainingProgress {
    let elapsed = ContinuousClock.now - sessionStart
    let recent = state.recentReturns
    return TrainingProgress(
      step: state.step, totalSteps: totalSteps, episodes: state.episode,
      meanReturn: recent.isEmpty ? nil : recent.reduce(0, +) / Double(recent.count),
      epsilon: epsilonSchedule.value(at: state.step), loss: lastLoss,
      sessionSeconds: Self.seconds(elapsed), sessionSteps: state.step - sessionStartStep)
  }

  // MARK: - Episodes and evaluation

  private func startEpisode() {
    state.episodeSeed = episodeSeedGenerator.next()
    state.episodeActions.removeAll(keepingCapacity: true)
    state.episodeReturn = 0
    currentFrame = environment.reset(seed: state.episodeSeed)
    stack.reset(with: currentFrame)
  }

  private func finishEpisode(epsilon: Float, observer: (TrainingEvent) -> Void) throws(TrainingError) {
    state.episode += 1
    let updates = state.updatesSinceRow
    let row = EpisodeRow(
      step: state.step, episode: state.episode, episodeReturn: state.episodeReturn,
      length: state.episodeActions.count, epsilon: epsilon,
      meanLoss: updates > 0 ? state.lossSum / Double(updates) : nil,
      meanMaxQ: updates > 0 ? state.maxQSum / Double(updates) : nil, wallTime: wallTime)
    state.lossSum = 0
    state.maxQSum = 0
    state.updatesSinceRow = 0
    state.recentReturns.append(state.episodeReturn)
    if state.recentReturns.count > 100 { state.recentReturns.removeFirst() }
    try Self.appendLine(row.csvLine, to: folder.metricsFile)
    state.metricsRows += 1
    observer(.episode(row))
  }

  private func evaluate(observer: (TrainingEvent) -> Void) throws(TrainingError) {
    var seeds = SplitMix64(seed: state.seed &+ UInt64(state.step) &* 0x9E37_79B9_7F4A_7C15)
    let result = Evaluation.run(
      network: agent.onlineNetwork, environment: evaluationEnvironment,
      stackDepth: definition.observation.frameStack, episodes: preset.evalEpisodes,
      epsilon: preset.evalEpsilon, seed: seeds.next())
    let isBest = state.bestEvalReturn.map { result.mean > $0 } ?? true
    if isBest {
      state.bestEvalReturn = result.mean
      do {
        try agent.onlineNetwork.save(to: folder.bestWeightsFile, metadata: ["step": "\(state.step)"])
      } catch {
        throw .unwritable(file: folder.bestWeightsFile.path, detail: "\(error)")
      }
    }
    let line = "\(state.step),\(result.mean),\(result.standardDeviation),\(result.episodes),\(String(format: "%.3f", wallTime))"
    try Self.appendLine(line, to: folder.evalFile)
    state.evalRows += 1
    observer(.evaluation(step: state.step, result: result, isBest: isBest))
  }

  private func clipped(_ reward: Float) -> Float {
    let limit = preset.rewardClip
    return limit > 0 ? min(max(reward, -limit), limit) : reward
  }

  private var wallTime: Double { state.elapsedSeconds + Self.seconds(ContinuousClock.now - sessionStart) }

  // MARK: - Checkpoints

  /// Writes weights, target network, optimizer state, replay buffer, `state.json` and
  /// `agent.yaml`, each under a temporary name renamed into place.
  public func saveCheckpoint() throws(TrainingError) {
    var saved = state
    saved.updateCount = agent.updateCount
    saved.actionGenerator = actionGenerator.state
    saved.replayGenerator = replayGenerator.state
    saved.episodeSeedGenerator = episodeSeedGenerator.state
    saved.elapsedSeconds = wallTime
    do {
      try agent.onlineNetwork.save(to: folder.weightsFile, metadata: ["step": "\(state.step)"])
      try agent.targetNetwork.save(to: folder.targetFile)
      try SafeTensors.write(agent.optimizer.state, to: folder.optimizerFile)
    } catch let error as CheckpointError {
      throw .checkpoint(error)
    } catch {
      throw .unwritable(file: folder.weightsFile.path, detail: "\(error)")
    }
    do {
      try agent.replay.write(to: folder.replayFile)
    } catch {
      throw .replay(error)
    }
    do {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      try AtomicFile.write(try encoder.encode(saved), to: folder.stateFile)
    } catch {
      throw .unwritable(file: folder.stateFile.path, detail: "\(error)")
    }
    try folder.writeDescription(description)
    lastCheckpointStep = state.step
  }

  // MARK: - Helpers

  static let evalHeader = "step,mean_return,std_return,episodes,wall_time"

  private static func epsilonSchedule(_ preset: AgentPreset) -> LinearSchedule {
    LinearSchedule(
      from: preset.epsilonStart, to: preset.epsilonEnd, beginStep: preset.epsilonDecayStart,
      steps: preset.epsilonDecaySteps)
  }

  private static func makeEnvironments(_ definition: EnvironmentDefinition) throws(TrainingError)
    -> (GridEnvironment, GridEnvironment)
  {
    do {
      return (try definition.makeEnvironment(), try definition.makeEnvironment())
    } catch {
      throw .environment(error)
    }
  }

  private static func makeAgent(
    preset: AgentPreset, definition: EnvironmentDefinition, seed: UInt64, file: String
  ) throws(TrainingError) -> DQNAgent {
    do {
      return try DQNAgent(
        preset: preset, frameShape: definition.frameShape, stackDepth: definition.observation.frameStack,
        actionCount: definition.actionNames.count, seed: seed)
    } catch {
      throw .network(error, file: file)
    }
  }

  static func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
  }

  private static func writeText(_ text: String, to url: URL) throws(TrainingError) {
    do {
      try AtomicFile.write(Data(text.utf8), to: url)
    } catch {
      throw .unwritable(file: url.path, detail: "\(error)")
    }
  }

  private static func appendLine(_ line: String, to url: URL) throws(TrainingError) {
    do {
      let handle = try FileHandle(forWritingTo: url)
      defer { try? handle.close() }
      try handle.seekToEnd()
      try handle.write(contentsOf: Data((line + "\n").utf8))
    } catch {
      throw .unwritable(file: url.path, detail: error.localizedDescription)
    }
  }

  /// Keeps the header and the first `rows` rows (rows written after the checkpoint are replayed).
  private static func truncateCSV(_ url: URL, header: String, rows: Int) throws(TrainingError) {
    let text = (try? String(contentsOf: url, encoding: .utf8)) ?? header + "\n"
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    if lines.first != header { lines.insert(header, at: 0) }
    guard lines.count - 1 >= rows else {
      throw .corruptRun(file: url.path, detail: "holds \(lines.count - 1) rows but the checkpoint recorded \(rows)")
    }
    try writeText(lines.prefix(rows + 1).joined(separator: "\n") + "\n", to: url)
  }
}
