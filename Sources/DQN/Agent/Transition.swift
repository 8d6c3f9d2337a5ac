import GridGames

/// One environment step as the agent stores it: the frame it acted in, the action, the reward,
/// how the step ended, and the frame that followed.
public struct Transition: Sendable {
  /// The frame the action was taken in (the newest frame of the observation acted on).
  public var frame: Frame
  public var action: Int
  /// The reward as the environment gave it (the agent clips it if its settings say so).
  public var reward: Float
  /// The episode reached a terminal state: its targets do not bootstrap.
  public var terminated: Bool
  /// A time limit cut the episode short: its targets bootstrap from `nextFrame`.
  public var truncated: Bool
  /// The frame after the step (stored only when the episode is over; otherwise it is the next
  /// transition's `frame`).
  public var nextFrame: Frame

  public init(frame: Frame, action: Int, reward: Float, terminated: Bool, truncated: Bool, nextFrame: Frame) {
    self.frame = frame
    self.action = action
    self.reward = reward
    self.terminated = terminated
    self.truncated = truncated
    self.nextFrame = nextFrame
  }

  /// The transition of taking `action` in `frame` with the result `step`.
  public init(frame: Frame, action: Int, step: Step) {
    self.init(
      frame: frame, action: action, reward: step.reward, terminated: step.terminated, truncated: step.truncated,
      nextFrame: step.frame)
  }

  /// Either `terminated` or `truncated`.
  public var isEpisodeOver: Bool { terminated || truncated }
}
