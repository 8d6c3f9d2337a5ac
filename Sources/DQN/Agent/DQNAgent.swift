import GridGames
import NeuralNetwork

/// A DQN agent: online and target Q-networks, an optimizer and a replay buffer. It acts
/// ε-greedily, stores what it observes, and learns from sampled batches with (Double) DQN
/// targets whenever its `LearningSettings` say so.
///
/// It is built from its parts (`DQNAgentBuilder` makes them from a preset) and has a small
/// surface: `act(_:)`, `observe(_:)`, and `state`/`restore(_:)` for checkpoints. It knows
/// observations and frames, never environments.
/// - Paper: V. Mnih et al., "Human-level control through deep RL", Nature 518, 2015.
public final class DQNAgent {
  public let onlineNetwork: Sequential
  public let targetNetwork: Sequential
  public internal(set) var optimizer: any Optimizer
  public internal(set) var replay: ReplayBuffer
  /// ε by step.
  public let exploration: LinearSchedule
  public let settings: LearningSettings
  public let actionCount: Int
  /// Transitions observed (environment steps).
  public internal(set) var steps = 0
  /// Learner updates so far.
  public internal(set) var updates = 0
  /// Updates the current step still owes (left by an interrupted step; 0 otherwise).
  public internal(set) var pendingUpdates = 0
  /// What the updates measured since `takeStatistics()` was last called.
  public internal(set) var statistics = LearningStatistics()
  /// The latest update's loss (nil before the first; not part of `state`).
  public private(set) var lastLoss: Float?
  var explorationGenerator: SplitMix64
  var samplingGenerator: SplitMix64
  let loss: HuberLoss
  let batch: ReplayBatch
  private let parameters: [Parameter]
  /// Makes a second online and target network of the same architecture, for updates split over
  /// two threads (`DataParallelUpdate`); nil: updates always run on the calling thread.
  private let makeReplicas: (() -> (online: Sequential, target: Sequential)?)?
  /// Made at the first split update.
  private var dataParallel: DataParallelUpdate?
  /// Whether updates split the batch in two halves computed on two threads
  /// (`DataParallelUpdate`; `dqn train --threads 2` or more sets it). Results differ from
  /// unsplit updates in the last bits (the order of the additions), and are the same from run to
  /// run however many compute threads there are; it needs `makeReplicas`, a batch of at least 2
  /// and a network without frozen layers or buffers, and is ignored otherwise. It is a setting of
  /// the process, not of the run: a resumed run splits when it is resumed with `--threads 2`.
  public var splitsUpdates = false
  private var nextValues: [Float]
  private var targets: [Float]

  /// What one update measured.
  public struct UpdateResult: Sendable, Equatable {
    public var loss: Float
    /// The mean over the batch of `max_a Q(s, a)`.
    public var meanMaxQ: Float
  }

  /// - Parameters:
  ///   - onlineNetwork: maps `[N] + replay.observationShape` to `[N, A]` Q-values.
  ///   - targetNetwork: the same architecture; it starts as a copy of `onlineNetwork`.
  ///   - replay: an empty buffer.
  ///   - exploration: ε by step.
  ///   - explorationGenerator: draws the ε-greedy decisions.
  ///   - samplingGenerator: draws the replay batches (a stream of its own, so acting and learning
  ///     never shift each other's draws).
  ///   - makeReplicas: builds another online and target network of the same architecture, for
  ///     `splitsUpdates`.
  public init(
    onlineNetwork: Sequential, targetNetwork: Sequential, optimizer: any Optimizer, replay: ReplayBuffer,
    exploration: LinearSchedule, settings: LearningSettings, explorationGenerator: SplitMix64,
    samplingGenerator: SplitMix64, makeReplicas: (() -> (online: Sequential, target: Sequential)?)? = nil
  ) {
    let outputShape = onlineNetwork.outputShape(for: replay.observationShape)
    precondition(outputShape.count == 1 && outputShape[0] > 0, "a Q-network gives [A] per observation, got \(outputShape)")
    precondition(replay.count == 0, "DQNAgent needs an empty replay buffer")
    self.onlineNetwork = onlineNetwork
    self.targetNetwork = targetNetwork
    self.optimizer = optimizer
    self.replay = replay
    self.exploration = exploration
    self.settings = settings
    self.explorationGenerator = explorationGenerator
    self.samplingGenerator = samplingGenerator
    actionCount = outputShape[0]
    targetNetwork.copyParameters(from: onlineNetwork)
    loss = HuberLoss(delta: settings.loss == .huber ? 1 : Float.greatestFiniteMagnitude)
    batch = ReplayBatch(batchSize: settings.batchSize, observationShape: replay.observationShape)
    parameters = onlineNetwork.parameters
    self.makeReplicas = makeReplicas
    nextValues = [Float](repeating: 0, count: settings.batchSize)
    targets = [Float](repeating: 0, count: settings.batchSize)
  }

  /// `[k·C, H, W]`: what `act(_:)` takes, batched.
  public var observationShape: [Int] { replay.observationShape }

  /// The ε of the next action.
  public var epsilon: Float { exploration.value(at: steps) }

  /// An ε-greedy action for `observation` (`[1, k·C, H, W]`).
  public func act(_ observation: Tensor) -> Int {
    EpsilonGreedy.action(epsilon: epsilon, actionCount: actionCount, using: &explorationGenerator) {
      onlineNetwork(observation).argmax(row: 0)
    }
  }

  /// ε-greedy actions for a batch of observations (`[N, k·C, H, W]`, one per environment copy),
  /// all at the current ε, with one forward pass (made only if some copy acts greedily). Copy
  /// `i` draws its ε-greedy numbers after copy `i − 1`, so one copy acts exactly as `act(_:)`.
  public func act(batch observations: Tensor) -> [Int] {
    let epsilon = self.epsilon
    var q: Tensor?
    return (0..<observations.shape[0]).map { row in
      EpsilonGreedy.action(epsilon: epsilon, actionCount: actionCount, using: &explorationGenerator) {
        if q == nil { q = onlineNetwork(observations) }
        return q!.argmax(row: row)
      }
    }
  }

  /// Stores `transition` (and, at an episode's end, its final frame), then learns if the
  /// settings say so: `gradientSteps` updates every `trainFrequency` steps after
  /// `learningStarts`, once the buffer holds a batch's worth and a complete transition.
  ///
  /// - Parameter stream: the environment copy that made it (`--envs N`: its replay stream).
  /// - Parameter shouldStop: asked before every update; when it returns true the remaining
  ///   updates of this step are skipped (Ctrl-C stops within one update, whatever `gradientSteps`).
  /// - Returns: the number of updates made.
  /// - Throws: `NonFiniteLoss` when an update's loss is NaN or infinite (that update changed no
  ///   weight; the caller should stop).
  @discardableResult
  public func observe(_ transition: Transition, stream: Int = 0, shouldStop: () -> Bool = { false }) throws(NonFiniteLoss) -> Int {
    replay.add(
      frame: transition.frame, action: transition.action, reward: settings.clipped(transition.reward),
      terminated: transition.terminated, truncated: transition.truncated, stream: stream)
    if transition.isEpisodeOver { replay.addFinal(frame: transition.nextFrame, stream: stream) }
    steps += 1
    guard settings.learns(atStep: steps), replay.count >= settings.batchSize, replay.canSample else { return 0 }
    pendingUpdates += settings.gradientSteps
    return try finishPendingUpdates(shouldStop: shouldStop)
  }

  /// Makes the updates a step still owes (`pendingUpdates`), stopping before any of them when
  /// `shouldStop` returns true; a checkpoint keeps the rest, and a resumed run makes them first,
  /// so an interrupted step ends exactly as an uninterrupted one.
  ///
  /// - Returns: the number of updates made.
  @discardableResult
  public func finishPendingUpdates(shouldStop: () -> Bool = { false }) throws(NonFiniteLoss) -> Int {
    var made = 0
    while pendingUpdates > 0 {
      if shouldStop() { return made }
      let result = learn()
      guard result.loss.isFinite else { throw NonFiniteLoss(step: steps, loss: result.loss) }
      pendingUpdates -= 1
      made += 1
    }
    return made
  }

  /// Returns the statistics of the updates since the last call and starts new ones.
  public func takeStatistics() -> LearningStatistics {
    defer { statistics = LearningStatistics() }
    return statistics
  }

  /// One update on a sampled batch: TD targets from the target network (Double DQN: the online
  /// network picks the action), the loss on the chosen actions weighted by the sampler's
  /// importance weights, backward, gradient clipping, an optimizer step, the sampler's priority
  /// update and the target network's update.
  ///
  /// - Returns: the loss and mean max-Q; when the loss is not finite, nothing has changed but
  ///   the sampling generator.
  /// - Precondition: `replay.canSample`.
  @discardableResult
  func learn() -> UpdateResult {
    replay.sample(into: batch, step: steps, using: &samplingGenerator)
    if let parallel = dataParallelUpdate() { return learnInHalves(parallel) }
    let nextObservations = batch.nextObservations
    let targetNext = targetNetwork(nextObservations)
    let onlineNext = settings.double ? onlineNetwork(nextObservations) : nil
    bootstrapValues(targetNext: targetNext, onlineNext: onlineNext, into: &nextValues)
    temporalDifferenceTargets(
      rewards: batch.rewards, bootstrapDiscounts: batch.bootstrapDiscounts, nextValues: nextValues, into: &targets)
    onlineNetwork.zeroGradients()
    let q = onlineNetwork.forward(batch.observations, training: true)
    let result = UpdateResult(
      loss: loss.forward(q, actions: batch.actions, targets: targets, rowWeights: batch.weights),
      meanMaxQ: Self.meanRowMaximum(q))
    guard result.loss.isFinite else { return result }
    _ = onlineNetwork.backward(loss.backward())
    return finishUpdate(result, errors: loss.lastErrors)
  }

  /// `learn()` with the gradient computed by `DataParallelUpdate` on two threads.
  private func learnInHalves(_ parallel: DataParallelUpdate) -> UpdateResult {
    let (loss, meanMaxQ) = parallel.gradient(
      of: batch, online: onlineNetwork, target: targetNetwork, double: settings.double)
    let result = UpdateResult(loss: loss, meanMaxQ: meanMaxQ)
    guard result.loss.isFinite else { return result }
    return finishUpdate(result, errors: parallel.errors)
  }

  /// The split update's helper when `splitsUpdates` applies.
  private func dataParallelUpdate() -> DataParallelUpdate? {
    guard splitsUpdates, settings.batchSize >= 2 else { return nil }
    if let dataParallel { return dataParallel }
    guard let makeReplicas, DataParallelUpdate.supports(onlineNetwork), let replicas = makeReplicas() else { return nil }
    dataParallel = DataParallelUpdate(
      online: onlineNetwork, replicas: replicas, batchSize: settings.batchSize,
      observationShape: replay.observationShape, delta: loss.delta)
    return dataParallel
  }

  /// The rest of an update once the gradient is in the online network's parameters: clipping,
  /// the optimizer's step, the priorities, the target network.
  private func finishUpdate(_ result: UpdateResult, errors: [Float]) -> UpdateResult {
    if settings.maxGradientNorm > 0 { clipGradientNorm(parameters, maxNorm: settings.maxGradientNorm) }
    optimizer.update(parameters)
    replay.updatePriorities(indices: batch.indices, errors: errors)
    updates += 1
    switch settings.targetUpdate {
    case .polyak(let rate):
      targetNetwork.blend(toward: onlineNetwork, rate: rate)
    case .periodic(let period):
      if updates % period == 0 { targetNetwork.copyParameters(from: onlineNetwork) }
    }
    statistics.record(result)
    lastLoss = result.loss
    return result
  }

  /// The mean over rows of each row's largest Q-value.
  private static func meanRowMaximum(_ q: Tensor) -> Float {
    let rows = q.shape[0]
    let columns = q.shape[1]
    return q.withUnsafeBufferPointer { values in
      var total: Float = 0
      for row in 0..<rows {
        var best = values[row * columns]
        for a in 1..<max(columns, 1) { best = max(best, values[row * columns + a]) }
        total += best
      }
      return total / Float(max(rows, 1))
    }
  }
}
