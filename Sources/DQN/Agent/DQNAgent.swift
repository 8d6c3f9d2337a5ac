import GridGames
import NeuralNetwork

/// The DQN agent: online and target Q-networks, the optimizer, the loss and the replay buffer.
///
/// It acts ε-greedily, stores what happens, and learns from sampled batches with (Double) DQN
/// targets. When to learn is the training loop's decision (cleanrl's `learning_starts`).
/// - Paper: V. Mnih et al., "Human-level control through deep RL", Nature 518, 2015.
public final class DQNAgent {
  public let preset: AgentPreset
  public let onlineNetwork: Sequential
  public let targetNetwork: Sequential
  public var optimizer: any Optimizer
  public let replay: ReplayBuffer
  public let actionCount: Int
  /// `[k·C, H, W]`.
  public let observationShape: [Int]
  /// Learner updates so far.
  public internal(set) var updateCount = 0
  private let loss: HuberLoss
  private let batch: ReplayBatch
  private let parameters: [Parameter]
  private var nextValues: [Float]
  private var targets: [Float]
  private let importanceSchedule: LinearSchedule

  /// What one update measured.
  public struct UpdateResult: Sendable {
    public var loss: Float
    /// The mean over the batch of `max_a Q(s, a)`.
    public var meanMaxQ: Float
  }

  /// - Parameters:
  ///   - frameShape: the environment's single frames.
  ///   - stackDepth: frames per observation.
  ///   - seed: initialises the networks (the target starts as a copy of the online network).
  /// - Throws: `NetworkShapeError` when the preset's network cannot take these frames.
  public init(
    preset: AgentPreset, frameShape: FrameShape, stackDepth: Int, actionCount: Int, seed: UInt64
  ) throws(NetworkShapeError) {
    self.preset = preset
    self.actionCount = actionCount
    observationShape = [stackDepth * frameShape.channels, frameShape.height, frameShape.width]
    onlineNetwork = try QNetworkBuilder.make(
      preset.network, dueling: preset.dueling, inputShape: observationShape, actionCount: actionCount, seed: seed)
    targetNetwork = try QNetworkBuilder.make(
      preset.network, dueling: preset.dueling, inputShape: observationShape, actionCount: actionCount, seed: seed)
    targetNetwork.copyParameters(from: onlineNetwork)
    optimizer = preset.optimizer.make(learningRate: preset.learningRate)
    replay = ReplayBuffer(
      capacity: preset.bufferSize, frameShape: frameShape, stackDepth: stackDepth, nStep: preset.nStep,
      discount: preset.discount, prioritized: preset.prioritized, priorityExponent: preset.priorityExponent)
    loss = HuberLoss(delta: preset.loss == .huber ? 1 : Float.greatestFiniteMagnitude)
    batch = ReplayBatch(batchSize: preset.batchSize, observationShape: observationShape)
    parameters = onlineNetwork.parameters
    nextValues = [Float](repeating: 0, count: preset.batchSize)
    targets = [Float](repeating: 0, count: preset.batchSize)
    importanceSchedule = LinearSchedule(
      from: preset.importanceExponent, to: 1, steps: preset.importanceAnnealSteps)
  }

  /// The action with the largest Q-value for `observation` (`[1, k·C, H, W]`).
  public func greedyAction(_ observation: Tensor) -> Int {
    let q = onlineNetwork(observation)
    return q.withUnsafeBufferPointer { values in
      var best = 0
      for a in 1..<max(actionCount, 1) where values[a] > values[best] { best = a }
      return best
    }
  }

  /// ε-greedy: a uniform random action with probability `epsilon`, else the greedy one.
  ///
  /// Always draws one uniform number (and one more for a random action), so the generator's
  /// stream depends only on the draws, not on the network.
  public func act<G: RandomNumberGenerator>(_ observation: Tensor, epsilon: Float, using rng: inout G) -> Int {
    if rng.nextUniform() < epsilon { return rng.nextInt(below: actionCount) }
    return greedyAction(observation)
  }

  /// One update on a sampled batch: TD targets from the target network (Double DQN: the online
  /// network picks the action), the loss on the chosen actions, backward, gradient clipping, an
  /// optimizer step, priority updates and the target sync.
  ///
  /// - Parameter step: the environment step (anneals prioritized replay's β).
  /// - Returns: the loss and mean max-Q; when the loss is not finite, the weights are left as
  ///   they were and the caller should stop.
  /// - Precondition: `replay.canSample`.
  public func learn<G: RandomNumberGenerator>(step: Int, using rng: inout G) -> UpdateResult {
    replay.sample(into: batch, importanceExponent: importanceSchedule.value(at: step), using: &rng)
    let nextObservations = batch.nextObservations
    let targetNext = targetNetwork(nextObservations)
    let onlineNext = preset.double ? onlineNetwork(nextObservations) : nil
    bootstrapValues(targetNext: targetNext, onlineNext: onlineNext, into: &nextValues)
    for row in 0..<batch.batchSize {
      targets[row] = batch.rewards[row] + batch.bootstrapDiscounts[row] * nextValues[row]
    }
    onlineNetwork.zeroGradients()
    let q = onlineNetwork.forward(batch.observations, training: true)
    let lossValue = loss.forward(
      q, actions: batch.actions, targets: targets, rowWeights: preset.prioritized ? batch.weights : nil)
    let meanMaxQ = Self.meanRowMaximum(q)
    guard lossValue.isFinite else { return UpdateResult(loss: lossValue, meanMaxQ: meanMaxQ) }
    _ = onlineNetwork.backward(loss.backward())
    if preset.maxGradientNorm > 0 { clipGradientNorm(parameters, maxNorm: preset.maxGradientNorm) }
    optimizer.update(parameters)
    if preset.prioritized {
      replay.updatePriorities(indices: batch.indices, errors: loss.lastErrors, epsilon: preset.priorityEpsilon)
    }
    updateCount += 1
    if preset.targetUpdateRate > 0 {
      targetNetwork.blend(toward: onlineNetwork, rate: preset.targetUpdateRate)
    } else if updateCount % preset.targetUpdatePeriod == 0 {
      targetNetwork.copyParameters(from: onlineNetwork)
    }
    return UpdateResult(loss: lossValue, meanMaxQ: meanMaxQ)
  }

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
