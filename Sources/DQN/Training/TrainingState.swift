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
  /// With `--envs N`: the current episodes of copies 1 to N − 1 (copy 0's are the fields above;
  /// nil for a single environment, so its `state.json` is as it always was).
  public var otherEpisodes: [CopyEpisode]?
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

  /// One environment copy's current episode: its seed, actions so far and return.
  public struct CopyEpisode: Codable, Sendable, Equatable {
    public var seed: UInt64 = 0
    public var actions: [Int] = []
    public var episodeReturn: Double = 0
    public init() {}
  }

  /// Copy `copy`'s current episode.
  public func episode(of copy: Int) -> CopyEpisode {
    if copy > 0, let others = otherEpisodes { return others[copy - 1] }
    var episode = CopyEpisode()
    episode.seed = episodeSeed
    episode.actions = episodeActions
    episode.episodeReturn = episodeReturn
    return episode
  }

  /// Replaces copy `copy`'s current episode.
  public mutating func setEpisode(_ episode: CopyEpisode, of copy: Int) {
    if copy > 0 {
      var others = otherEpisodes ?? []
      while others.count < copy { others.append(CopyEpisode()) }
      others[copy - 1] = episode
      otherEpisodes = others
    } else {
      episodeSeed = episode.seed
      episodeActions = episode.actions
      episodeReturn = episode.episodeReturn
    }
  }

  /// Adds a step to copy `copy`'s current episode (in place).
  public mutating func record(action: Int, reward: Float, copy: Int) {
    if copy == 0 {
      episodeActions.append(action)
      episodeReturn += Double(reward)
    } else {
      otherEpisodes![copy - 1].actions.append(action)
      otherEpisodes![copy - 1].episodeReturn += Double(reward)
    }
  }

  public init(seed: UInt64) {
    self.seed = seed
    episodeSeedGenerator = seed &* 0x94D0_49BB_1331_11EB &+ 3
  }
}
