import GridGames

/// Collects episodes as they are played into a `ReplayFile`.
public final class ReplayRecorder {
  public private(set) var replay: ReplayFile
  private var current: ReplayEpisode?

  public init(environment: EnvironmentDefinition, seed: UInt64, agent: String?) {
    replay = ReplayFile(environment: environment, seed: seed, agent: agent)
  }

  /// Starts an episode with its seed and reset frame (dropping an unfinished one).
  public func begin(seed: UInt64, observation: Frame) {
    current = ReplayEpisode(seed: seed, frameHashes: [FrameHash.of(observation)])
  }

  /// Records one step.
  public func record(action: Int, reward: Float, observation: Frame) {
    current?.actions.append(action)
    current?.rewards.append(reward)
    current?.frameHashes.append(FrameHash.of(observation))
  }

  /// Ends the current episode and keeps it.
  public func end(_ end: ReplayEpisode.End) {
    guard var episode = current else { return }
    episode.end = end
    replay.episodes.append(episode)
    current = nil
  }

  /// Drops the current episode (it restarts).
  public func discard() { current = nil }

  /// The replay, with an unfinished episode kept as `stopped` if it has any steps.
  public func finish() -> ReplayFile {
    if let episode = current, !episode.actions.isEmpty { end(.stopped) }
    current = nil
    return replay
  }
}
