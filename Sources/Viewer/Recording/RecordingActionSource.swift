import Foundation
import GridGames

/// Plays a recording's actions back and checks every re-simulated frame and reward against the
/// recording; the first difference stops playback with an error.
public final class RecordingActionSource: ActionSource {
  public let recording: Recording
  /// The file name used in errors.
  public let file: String
  private var episode = 0
  private var position = 0

  public init(recording: Recording, file: String) {
    self.recording = recording
    self.file = file
  }

  public var playerName: String {
    recording.agent.map { "replay of agent \(URL(fileURLWithPath: $0).lastPathComponent)" } ?? "replay of a person"
  }

  /// The recorded action about to be replayed (highlighted in the panel; no Q-values).
  public var upcoming: Decision? {
    guard episode < recording.episodes.count else { return nil }
    let actions = recording.episodes[episode].actions
    return position < actions.count ? Decision(action: actions[position]) : nil
  }

  public func episodeSeed(_ index: Int) -> UInt64? {
    index < recording.episodes.count ? recording.episodes[index].seed : nil
  }

  public func start(episode: Int, observation: Frame) throws(ViewerError) {
    self.episode = episode
    position = 0
    let recorded = recording.episodes[episode]
    let found = FrameHash.of(observation)
    if found != recorded.frameHashes[0] {
      throw .frameMismatch(file: file, episode: episode, step: 0, expected: recorded.frameHashes[0], found: found)
    }
  }

  public func nextAction() throws(ViewerError) -> Int? {
    let recorded = recording.episodes[episode]
    guard position < recorded.actions.count else {
      if recorded.end != .stopped {
        throw .episodeEndMismatch(
          file: file, episode: episode,
          detail: "the recording says it \(recorded.end.rawValue) after \(recorded.actions.count) steps, but the game goes on")
      }
      return nil
    }
    let action = recorded.actions[position]
    let count = recording.environment.actionNames.count
    guard action < count else {
      throw .corruptRecording(
        file: file, key: "episodes[\(episode)].actions",
        detail: "action \(action) at step \(position + 1) is outside the game's \(count) actions")
    }
    return action
  }

  public func finish(step: Step, action: Int, stepIndex: Int) throws(ViewerError) {
    let recorded = recording.episodes[episode]
    position += 1
    let found = FrameHash.of(step.frame)
    if found != recorded.frameHashes[position] {
      throw .frameMismatch(file: file, episode: episode, step: position, expected: recorded.frameHashes[position], found: found)
    }
    if step.reward != recorded.rewards[position - 1] {
      throw .rewardMismatch(
        file: file, episode: episode, step: position, expected: recorded.rewards[position - 1], found: step.reward)
    }
    if step.isEpisodeOver {
      let end: RecordedEpisode.End = step.terminated ? .terminated : .truncated
      if position < recorded.actions.count || end != recorded.end {
        throw .episodeEndMismatch(
          file: file, episode: episode,
          detail: "the game \(end.rawValue) after \(position) steps, but the recording says it "
            + "\(recorded.end.rawValue) after \(recorded.actions.count)")
      }
    }
  }
}
