/// The settings of a game that an environment file may give, as flat keys next to `game:`
/// (`rows: 10`, `goalReward: 1`, …).
///
/// `init()` holds the defaults (what a file that gives none of the keys gets).
/// `init(from:)` reads the keys a file gives (use `ParameterReader`), fills the rest from the
/// defaults and checks every value, throwing `ParameterError` for one the game does not accept;
/// `encode(to:)` writes every key back (use `ParameterWriter`), so that a definition written out
/// reads back equal. The definition wraps both with the file name.
public protocol GameParameters: Codable, Sendable, Equatable {
  /// The keys, in the order `encode(to:)` writes them; a file may use only these and the keys
  /// every game has (`name`, `description`, `game`, `cellPixels`, `palette`,
  /// `stickyActionProbability`, `observation`).
  static var keys: [String] { get }
  /// The defaults.
  init()
}

extension GameParameters {
  /// Whether `other` holds the same type and values.
  func isEqual(to other: any GameParameters) -> Bool {
    (other as? Self) == self
  }
}

/// The parameters of a game that has none.
public struct NoParameters: GameParameters {
  public static var keys: [String] { [] }
  public init() {}
  public init(from decoder: any Decoder) throws {}
  public func encode(to encoder: any Encoder) throws {}
}
