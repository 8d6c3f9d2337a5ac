/// The keys the viewers react to.
public enum Key: String, Sendable, Equatable, Hashable, CaseIterable {
  case left, right, up, down, space, period, plus, minus, p, r, q, escape
}

/// A user input, from SDL or from a test script.
public enum InputEvent: Sendable, Equatable {
  case keyDown(Key)
  case keyUp(Key)
  /// The window was closed.
  case quit
}
