/// PQN's own scalars beside the loop's `TrainingState` in a checkpoint's `state.json`.
public struct PQNCounters: Codable, Sendable, Equatable {
  /// Rollouts collected (each `environments × rolloutSteps` steps).
  public var batches = 0
  /// Gradient steps taken.
  public var updates = 0
  /// The exploration and minibatch-shuffling generator.
  public var generator: UInt64
  /// The last gradient step's loss (the progress line's) and the last rollout's mean max-Q.
  public var lastLoss: Float?
  public var lastMeanMaxQ: Double?
  /// The environments' seed, each one's episode index and the actions of its current episode:
  /// what rebuilds them exactly on `--resume`.
  public var environmentSeed: UInt64 = 0
  public var episodeIndices: [UInt64] = []
  public var episodeActions: [[Int]] = []

  public init(seed: UInt64) { generator = seed &* 0xD1B5_4A32_D192_ED03 &+ 5 }
}
