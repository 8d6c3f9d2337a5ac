import GridGames

/// Collects episodes as they are played into a `Recording`.
public final class Recorder {
  public private(set) var recording: Recording
  private var current: RecordedEpisode?

  public init(environment: EnvironmentDefinition, seed: UInt64, agent: String?) {
    recording = Recording(environment: environment, seed: seed, agent: agent)
  }

  /// Starts an episode with its seed and reset frame (dropping an unfinished one).
  public func begin(seed: UInt64, observation: Frame) {
    current = RecordedEpisode(seed: seed, frameHashes: [FrameHash.of(observation)])
  }

  /// Records one step.
  public func record(action: Int, reward: Float, observation: Frame) {
    current?.actions.append(action)
    current?.rewards.append(reward)
    current?.frameHashes.append(FrameHash.of(observation))
  }

  /// Ends the current episode and keeps it.
  public func end(_ end: RecordedEpisode.End) {
    guard var episode = current else { return }
    episode.end = end
    recording.episodes.append(episode)
    current = nil
  }

  /// Drops the current episode (it restarts).
  public func discard() { current = nil }

  /// The recording, with an unfinished episode kept as `stopped` if it has any steps.
  public func finish() -> Recording {
    if let episode = current, !episode.actions.isEmpty { end(.stopped) }
    current = nil
    return recording
  }
}
