/// Truncates episodes after `maxEpisodeSteps` steps (`truncated`, unless the last step also
/// terminated the game). A nil limit passes steps through.
public struct TimeLimit<Base: Environment>: EnvironmentWrapper {
  public private(set) var base: Base
  public let maxEpisodeSteps: Int?
  /// Steps taken in the current episode.
  public private(set) var elapsedSteps = 0

  /// - Precondition: `maxEpisodeSteps` is nil or ≥ 1.
  public init(_ base: Base, maxEpisodeSteps: Int?) {
    precondition((maxEpisodeSteps ?? 1) >= 1, "time limit must be >= 1, got \(maxEpisodeSteps ?? 0)")
    self.base = base
    self.maxEpisodeSteps = maxEpisodeSteps
  }

  public var actionSpace: ActionSpace { base.actionSpace }
  public var frameShape: FrameShape { base.frameShape }

  public mutating func reset(seed: UInt64) -> Frame {
    elapsedSteps = 0
    return base.reset(seed: seed)
  }

  public mutating func step(_ action: Int) -> Step {
    var step = base.step(action)
    elapsedSteps += 1
    if let limit = maxEpisodeSteps, elapsedSteps >= limit, !step.terminated { step.truncated = true }
    return step
  }
}
