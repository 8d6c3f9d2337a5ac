import Synchronization

/// The games environment files can name in `game:`: the built-in ones, then those registered
/// with `register(_:)`.
public enum GameRegistry {
  /// The games that come with GridGames, in listing order.
  public static let builtIn: [any GridGame.Type] = [
    Catch.self, Maze.self, Snake.self, Breakout.self, Freeway.self, Asterix.self, Seaquest.self, SpaceInvaders.self,
  ]

  private static let registered = Mutex<[any GridGame.Type]>(builtIn)

  /// Every game, built-in first, then in the order registered.
  public static var games: [any GridGame.Type] { registered.withLock { $0 } }

  /// The names of `games`.
  public static var names: [String] { games.map { $0.name } }

  /// The game called `name`, or nil.
  public static func game(named name: String) -> (any GridGame.Type)? {
    registered.withLock { games in games.first { $0.name == name } }
  }

  /// Makes `game` available to environment files as `game: \(game.name)`. Registering the same
  /// type again does nothing. Safe to call from any thread.
  ///
  /// - Throws: `GameRegistrationError` when another game has the name or the declarations do
  ///   not fit together (see `check(_:)`).
  public static func register(_ game: any GridGame.Type) throws(GameRegistrationError) {
    try check(game)
    try registered.withLock { (games: inout [any GridGame.Type]) throws(GameRegistrationError) in
      if let existing = games.first(where: { $0.name == game.name }) {
        if ObjectIdentifier(existing) == ObjectIdentifier(game) { return }
        throw .nameTaken(name: game.name, by: "\(existing)")
      }
      games.append(game)
    }
  }

  /// The keys every environment file may give, whatever the game.
  static let commonKeys = ["name", "description", "game", "cellPixels", "palette", "stickyActionProbability", "observation"]

  /// Throws unless `game`'s declarations fit together: a name of lowercase letters, digits and
  /// `-`; at least one action; distinct channel names (not `background`) with one palette colour
  /// each; parameter keys distinct from `commonKeys`; a default sticky-action probability in
  /// 0...1; a default grid of at least 1×1.
  static func check(_ game: any GridGame.Type) throws(GameRegistrationError) {
    func fail(_ problem: String) -> GameRegistrationError { .invalidDeclaration(game: "\(game)", problem: problem) }
    let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
    guard !game.name.isEmpty, game.name.allSatisfy(allowed.contains) else {
      throw fail("name '\(game.name)' must be lowercase letters, digits and '-'")
    }
    guard !game.actionNames.isEmpty else { throw fail("it has no actions") }
    let channels = game.channelNames
    guard Set(channels).count == channels.count, !channels.contains("background") else {
      throw fail("channel names \(channels) must be distinct and not 'background'")
    }
    guard game.palette.channels.count == channels.count else {
      throw fail("the palette has \(game.palette.channels.count) channel colours for \(channels.count) channels")
    }
    let keys = game.parameterKeys
    if let clash = keys.first(where: commonKeys.contains) {
      throw fail("parameter key '\(clash)' is one every game has")
    }
    let sticky = game.defaultStickyActionProbability
    guard sticky >= 0 && sticky <= 1 else { throw fail("defaultStickyActionProbability \(sticky) is outside 0...1") }
    let grid = game.gridSize(forAny: game.defaultParameters)
    guard grid.rows >= 1 && grid.columns >= 1 else { throw fail("the default grid is \(grid.rows)×\(grid.columns)") }
  }
}

extension GridGame {
  /// `Parameters.keys`.
  static var parameterKeys: [String] { Parameters.keys }
}
