import Foundation
import GridGames

/// Headless recording and verification of replays.
public enum Recording {
  /// Plays `episodes` episodes with `agent`, ε-greedily, without a window, and returns them as a
  /// replay.
  ///
  /// - Parameters:
  ///   - agentPath: stored in the replay as the agent it came from.
  ///   - onEpisode: called with each episode's index, return and length.
  public static func record(
    agent: TrainedAgent, agentPath: String, environment: EnvironmentDefinition, episodes: Int, seed: UInt64,
    epsilon: Float, onEpisode: @escaping (Int, Double, Int) -> Void = { _, _, _ in }
  ) throws(ViewerError) -> ReplayFile {
    let source = try AgentActionSource(agent: agent, environment: environment, epsilon: epsilon, seed: seed)
    let recorder = ReplayRecorder(environment: environment, seed: seed, agent: agentPath)
    let session = try PlaybackSession(
      definition: environment, source: source, recorder: recorder, episodeLimit: episodes, rendersDisplay: false)
    session.onEpisodeEnd = onEpisode
    try session.runToEnd()
    return recorder.finish()
  }

  /// Re-simulates every episode and checks every frame hash, reward and episode end.
  ///
  /// - Returns: each episode's return.
  /// - Throws: `ViewerError.frameMismatch` (or another mismatch) at the first difference.
  @discardableResult
  public static func verify(
    _ replay: ReplayFile, file: String, onEpisode: @escaping (Int, Double, Int) -> Void = { _, _, _ in }
  ) throws(ViewerError) -> [Double] {
    let session = try PlaybackSession(
      definition: replay.environment, source: ReplayActionSource(replay: replay, file: file), rendersDisplay: false)
    session.onEpisodeEnd = onEpisode
    try session.runToEnd()
    return session.returns
  }
}
