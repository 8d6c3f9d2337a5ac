import Foundation
import GridGames

/// Recording and verifying without a window.
extension Recording {
  /// Plays `episodes` episodes with `agent`, ε-greedily, without a window, and returns them as a
  /// recording.
  ///
  /// - Parameters:
  ///   - agentPath: stored in the recording as the agent it came from.
  ///   - onEpisode: called with each episode's index, return and length.
  public static func record(
    agent: TrainedAgent, agentPath: String, environment: EnvironmentDefinition, episodes: Int, seed: UInt64,
    epsilon: Float, onEpisode: @escaping (Int, Double, Int) -> Void = { _, _, _ in }
  ) throws(ViewerError) -> Recording {
    let source = try AgentActionSource(agent: agent, environment: environment, epsilon: epsilon, seed: seed)
    let recorder = Recorder(environment: environment, seed: seed, agent: agentPath)
    let session = try PlaybackSession(
      definition: environment, source: source, recorder: recorder, episodeLimit: episodes, rendersDisplay: false)
    session.onEpisodeEnd = onEpisode
    try session.runToEnd()
    return recorder.finish()
  }

  /// Re-simulates every episode and checks every frame hash, reward and episode end.
  ///
  /// - Parameter file: names the recording in errors.
  /// - Returns: each episode's return.
  /// - Throws: `ViewerError.frameMismatch` (or another mismatch) at the first difference.
  @discardableResult
  public func verify(
    file: String, onEpisode: @escaping (Int, Double, Int) -> Void = { _, _, _ in }
  ) throws(ViewerError) -> [Double] {
    let session = try PlaybackSession(
      definition: environment, source: RecordingActionSource(recording: self, file: file), rendersDisplay: false)
    session.onEpisodeEnd = onEpisode
    try session.runToEnd()
    return session.returns
  }
}
