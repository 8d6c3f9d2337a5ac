import Foundation

/// The summary of one finished episode.
public struct EpisodeRecord: Sendable, Equatable, Codable {
  /// The undiscounted sum of rewards.
  public var totalReward: Double
  /// Steps taken.
  public var length: Int
  /// Wall-clock seconds from reset to the last step.
  public var duration: Double
  /// Whether it ended by the game (true) or a time limit (false).
  public var terminated: Bool

  public init(totalReward: Double, length: Int, duration: Double, terminated: Bool) {
    self.totalReward = totalReward
    self.length = length
    self.duration = duration
    self.terminated = terminated
  }
}

/// Tracks the return, length and time of each episode; `lastEpisode` is set by the step that
/// ends an episode.
public struct EpisodeStatistics<Base: Environment>: EnvironmentWrapper {
  public private(set) var base: Base
  /// The return so far in the current episode.
  public private(set) var currentReturn: Double = 0
  /// Steps so far in the current episode.
  public private(set) var currentLength = 0
  /// The most recently finished episode.
  public private(set) var lastEpisode: EpisodeRecord?
  /// Episodes finished since this wrapper was made.
  public private(set) var completedEpisodes = 0
  private var startTime = ContinuousClock.now

  public init(_ base: Base) { self.base = base }

  public var actionSpace: ActionSpace { base.actionSpace }
  public var frameShape: FrameShape { base.frameShape }

  public mutating func reset(seed: UInt64) -> Frame {
    currentReturn = 0
    currentLength = 0
    startTime = ContinuousClock.now
    return base.reset(seed: seed)
  }

  public mutating func step(_ action: Int) -> Step {
    let step = base.step(action)
    currentReturn += Double(step.reward)
    currentLength += 1
    if step.isEpisodeOver {
      let elapsed = ContinuousClock.now - startTime
      let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
      lastEpisode = EpisodeRecord(totalReward: currentReturn, length: currentLength, duration: seconds,
                                  terminated: step.terminated)
      completedEpisodes += 1
    }
    return step
  }
}
