/// What a key does to playback (as opposed to a key a person plays the game with).
public enum PlaybackControl: Sendable, Equatable {
  case togglePause, stepOnce, faster, slower, restart, quit
}

/// Which keys control playback: watching an agent or a replay, or playing yourself.
public enum ControlScheme: Sendable, Equatable {
  /// Space pauses, → or `.` steps while paused.
  case watch
  /// Arrows and space play the game; `p` pauses, `.` steps while paused.
  case play

  /// The control for `key`, nil when the key belongs to the game.
  public func control(for key: Key) -> PlaybackControl? {
    switch (self, key) {
    case (_, .q), (_, .escape): .quit
    case (_, .r): .restart
    case (_, .plus): .faster
    case (_, .minus): .slower
    case (_, .period): .stepOnce
    case (.watch, .space), (_, .p): .togglePause
    case (.watch, .right): .stepOnce
    default: nil
    }
  }

  /// The help lines shown at the bottom of the panel.
  public var helpLines: [String] {
    switch self {
    case .watch: ["space pause  → or . step", "+/− speed  r restart  q quit"]
    case .play: ["p pause  . step  +/− speed", "r restart  q quit"]
    }
  }
}
