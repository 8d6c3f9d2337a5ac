/// The built-in games, by the name used in `game:` of an environment file.
public enum GameKind: String, Codable, Sendable, CaseIterable {
  case `catch` = "catch"
  case maze
  case snake
  case breakout
  case freeway
  case asterix
  case seaquest
  case spaceInvaders = "space-invaders"

  /// Whether this is one of the five MinAtar games (reference-exact dynamics).
  public var isMinAtar: Bool {
    switch self {
    case .breakout, .freeway, .asterix, .seaquest, .spaceInvaders: true
    case .catch, .maze, .snake: false
    }
  }

  /// The symbolic-state channel names, in order.
  public var channelNames: [String] {
    switch self {
    case .catch: Catch.channelNames
    case .maze: Maze.channelNames
    case .snake: Snake.channelNames
    case .breakout: Breakout.channelNames
    case .freeway: Freeway.channelNames
    case .asterix: Asterix.channelNames
    case .seaquest: Seaquest.channelNames
    case .spaceInvaders: SpaceInvaders.channelNames
    }
  }

  /// A one-line description for listings.
  public var summary: String {
    switch self {
    case .catch: "bsuite Catch: catch the falling ball with the paddle (+1 catch, -1 miss)"
    case .maze: "grid maze: reach the goal (+1), avoid lava (-1), small step cost"
    case .snake: "Snake: eat food (+1), die on walls or your own body"
    case .breakout: "MinAtar Breakout: bounce the ball into the bricks (+1 per brick)"
    case .freeway: "MinAtar Freeway: cross the road (+1 per crossing), 2500 frames"
    case .asterix: "MinAtar Asterix: collect gold (+1), avoid enemies"
    case .seaquest: "MinAtar Seaquest: shoot enemies, rescue divers, surface for oxygen"
    case .spaceInvaders: "MinAtar Space Invaders: shoot the aliens (+1 each), dodge their fire"
    }
  }
}
