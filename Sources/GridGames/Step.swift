/// What one `Environment.step(_:)` returns.
public struct Step: Sendable {
  /// The frame after the action.
  public var frame: Frame
  /// The reward the action earned.
  public var reward: Float
  /// The game ended (a terminal state of the MDP): do not bootstrap from `frame`.
  public var terminated: Bool
  /// A time limit cut the episode short: `frame` is not terminal for the MDP.
  public var truncated: Bool

  public init(frame: Frame, reward: Float, terminated: Bool, truncated: Bool) {
    self.frame = frame
    self.reward = reward
    self.terminated = terminated
    self.truncated = truncated
  }

  /// Either `terminated` or `truncated`: the episode is over and needs a reset.
  public var isEpisodeOver: Bool { terminated || truncated }
}
