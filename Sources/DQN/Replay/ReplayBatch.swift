import NeuralNetwork

/// A preallocated sampled batch: stacked observations, actions, n-step rewards, bootstrap
/// discounts and importance weights. `ReplayBuffer.sample(into:step:using:)` overwrites it in place.
public final class ReplayBatch {
  public let batchSize: Int
  /// `[B, k·C, H, W]` in [0, 1].
  public var observations: Tensor
  /// `[B, k·C, H, W]`: the observation to bootstrap from (n steps later or at the episode's end).
  public var nextObservations: Tensor
  public var actions: [Int]
  /// n-step discounted reward sums.
  public var rewards: [Float]
  /// γ^steps, or 0 where the episode terminated.
  public var bootstrapDiscounts: [Float]
  /// Importance-sampling weights (all 1 for uniform replay).
  public var weights: [Float]
  /// The absolute replay indices sampled (for priority updates).
  public var indices: [Int]
  /// The absolute replay indices of `nextObservations`' last frames.
  public var bootstrapIndices: [Int]

  public init(batchSize: Int, observationShape: [Int]) {
    self.batchSize = batchSize
    observations = Tensor(shape: [batchSize] + observationShape)
    nextObservations = Tensor(shape: [batchSize] + observationShape)
    actions = [Int](repeating: 0, count: batchSize)
    rewards = [Float](repeating: 0, count: batchSize)
    bootstrapDiscounts = [Float](repeating: 0, count: batchSize)
    weights = [Float](repeating: 1, count: batchSize)
    indices = [Int](repeating: 0, count: batchSize)
    bootstrapIndices = [Int](repeating: 0, count: batchSize)
  }
}
