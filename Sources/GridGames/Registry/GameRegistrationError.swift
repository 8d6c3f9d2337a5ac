/// Why `GameRegistry.register(_:)` refused a game: a mistake in the game's code.
public enum GameRegistrationError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Another game type already has this `name`.
  case nameTaken(name: String, by: String)
  /// The game's declarations do not fit together.
  case invalidDeclaration(game: String, problem: String)

  public var description: String {
    switch self {
    case .nameTaken(let name, let other): "cannot register game '\(name)': \(other) already has that name"
    case .invalidDeclaration(let game, let problem): "cannot register \(game): \(problem)"
    }
  }
}
