/// Everything scalar the training loop needs to continue exactly: its counters, the episode-seed
/// generator, the current episode (its seed and actions, replayed on resume to rebuild the
/// environment), the log rows written and the best evaluation. The agent keeps its own
/// (`DQNAgent.Counters`); `RunCheckpoint` saves both side by side in `state.json`.
public struct TrainingState: Codable, Sendable, Equatable {
  public var seed: UInt64
  /// Environment steps done.
  public var step = 0
  /// Episodes finished.
  public var episode = 0
  /// Episode seeds (a stream of its own; the agent's generators are separate).
  public var episodeSeedGenerator: UInt64
  /// The current episode's seed and the actions taken in it so far.
  public var episodeSeed: UInt64 = 0
  public var episodeActions: [Int] = []
  public var episodeReturn: Double = 0
  /// Rows written to `metrics.csv` and `eval.csv` (a resumed run cuts the files back to these).
  public var metricsRows = 0
  public var evalRows = 0
  public var bestEvalReturn: Double?
  /// The last 100 episode returns (the progress line's mean).
  public var recentReturns: [Double] = []
  /// Wall-clock seconds spent in earlier sessions of this run.
  public var elapsedSeconds: Double = 0
  /// Whether the evaluation due at `step` was cut short by a stop request (absent: no); a
  /// resumed run makes it first.
  public var evaluationPending: Bool?
  /// Where the TensorBoard event file ended at the checkpoint (nil when the run writes none).
  public var events: EventFilePosition?

  public init(seed: UInt64) {
    self.seed = seed
    episodeSeedGenerator = seed &* 0x94D0_49BB_1331_11EB &+ 3
  }
}
