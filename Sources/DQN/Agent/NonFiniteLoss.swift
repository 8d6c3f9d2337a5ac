/// An update whose loss was NaN or infinite; the agent left its weights as they were.
public struct NonFiniteLoss: Error, Equatable, Sendable {
  /// Transitions the agent had observed.
  public var step: Int
  public var loss: Float
}
