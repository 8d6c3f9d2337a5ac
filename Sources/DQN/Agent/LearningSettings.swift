/// How a `DQNAgent` learns: when, from what batches, with which targets and loss, and how its
/// target network follows.
public struct LearningSettings: Sendable, Equatable {
  /// Transitions per update.
  public var batchSize: Int
  /// Steps (transitions observed) before the first update (cleanrl's `learning_starts`).
  public var learningStarts: Int
  /// Steps between learning phases.
  public var trainFrequency: Int
  /// Updates per learning phase.
  public var gradientSteps: Int
  /// Double DQN targets: the online network picks the next action, the target network values it.
  public var double: Bool
  /// The loss on TD errors.
  public var loss: LossKind
  /// Global gradient-norm limit; 0 turns clipping off.
  public var maxGradientNorm: Float
  public var targetUpdate: TargetUpdate
  /// Rewards are clipped to `[-rewardClip, rewardClip]` when stored; 0 keeps them as they are.
  public var rewardClip: Float

  /// - Precondition: `batchSize`, `trainFrequency`, `gradientSteps` and a periodic target
  ///   update's period are at least 1; `learningStarts` and the clips are not negative.
  public init(
    batchSize: Int, learningStarts: Int, trainFrequency: Int, gradientSteps: Int, double: Bool, loss: LossKind,
    maxGradientNorm: Float, targetUpdate: TargetUpdate, rewardClip: Float
  ) {
    precondition(batchSize >= 1 && trainFrequency >= 1 && gradientSteps >= 1 && learningStarts >= 0,
      "LearningSettings needs batchSize, trainFrequency, gradientSteps ≥ 1 and learningStarts ≥ 0")
    if case .periodic(let updates) = targetUpdate { precondition(updates >= 1, "a target period needs ≥ 1 update, got \(updates)") }
    precondition(maxGradientNorm >= 0 && rewardClip >= 0, "clips must not be negative")
    self.batchSize = batchSize
    self.learningStarts = learningStarts
    self.trainFrequency = trainFrequency
    self.gradientSteps = gradientSteps
    self.double = double
    self.loss = loss
    self.maxGradientNorm = maxGradientNorm
    self.targetUpdate = targetUpdate
    self.rewardClip = rewardClip
  }

  /// Whether the agent learns once it has observed `step` transitions.
  public func learns(atStep step: Int) -> Bool {
    step > learningStarts && step % trainFrequency == 0
  }

  /// `reward` clipped as stored.
  public func clipped(_ reward: Float) -> Float {
    rewardClip > 0 ? min(max(reward, -rewardClip), rewardClip) : reward
  }
}
