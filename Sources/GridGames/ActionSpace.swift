/// A discrete action space: actions `0..<count`, each with a name.
public struct ActionSpace: Sendable, Equatable {
  /// The number of actions.
  public var count: Int
  /// One name per action, such as `["noop", "left", "up", "right", "down", "fire"]`.
  public var names: [String]

  public init(names: [String]) {
    self.count = names.count
    self.names = names
  }

  /// Whether `action` is a valid action index.
  public func contains(_ action: Int) -> Bool { action >= 0 && action < count }
}
