/// Everything scalar a run needs to continue exactly: counters, generator states, the current
/// episode (its seed and actions, replayed on resume to rebuild the environment), and the
/// accumulators behind the next `metrics.csv` row. Saved as `state.json`.
public struct TrainingState: Codable, Sendable, Equatable {
  public var seed: UInt64
  /// Environment steps done.
  public var step = 0
  /// Episodes finished.
  public var episode = 0
  public var updateCount = 0
  /// ε-greedy draws.
  public var actionGenerator: UInt64
  /// Replay sampling.
  public var replayGenerator: UInt64
  /// Episode seeds.
  public var episodeSeedGenerator: UInt64
  /// The current episode's seed and the actions taken in it so far.
  public var episodeSeed: UInt64 = 0
  public var episodeActions: [Int] = []
  public var episodeReturn: Double = 0
  /// Loss and max-Q sums since the last metrics row.
  public var lossSum: Double = 0
  public var maxQSum: Double = 0
  public var updatesSinceRow = 0
  /// Rows written to `metrics.csv` and `eval.csv` (a resumed run cuts the files back to these).
  public var metricsRows = 0
  public var evalRows = 0
  public var bestEvalReturn: Double?
  /// The last 100 episode returns (the progress line's mean).
  public var recentReturns: [Double] = []
  /// Wall-clock seconds spent in earlier sessions of this run.
  public var elapsedSeconds: Double = 0

  public init(seed: UInt64) {
    self.seed = seed
    // Separate streams, so changing how often one is drawn never shifts the others.
    actionGenerator = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1
    replayGenerator = seed &* 0xBF58_476D_1CE4_E5B9 &+ 2
    episodeSeedGenerator = seed &* 0x94D0_49BB_1331_11EB &+ 3
  }
}
