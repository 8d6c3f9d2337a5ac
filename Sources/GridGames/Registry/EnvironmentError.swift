import Foundation

/// A problem with an environment definition or with input a user gave an environment.
public enum EnvironmentError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
  /// No `NAME.yaml` in the environments directory (and not a path to a file).
  case notFound(name: String, directory: String, available: [String])
  /// The file exists but cannot be read.
  case unreadable(file: String, message: String)
  /// The file is not valid YAML, or not a mapping at the top.
  case malformedYAML(file: String, message: String)
  /// A key that this kind of environment does not have.
  case unknownKey(file: String, key: String, allowed: [String])
  /// A required key is missing.
  case missingKey(file: String, key: String)
  /// A value of the wrong type or out of range.
  case invalidValue(file: String, key: String, value: String, allowed: String)
  /// A value of the wrong type: `expected` in words ("an integer"), `found` the file's text.
  case wrongType(file: String, key: String, expected: String, found: String)
  /// `game:` names no game in `GameRegistry`.
  case unknownGame(file: String, game: String, allowed: [String])
  /// The maze layout text is wrong.
  case invalidLayout(file: String, problem: MazeLayoutError)
  /// An action index outside the action space.
  case actionOutOfRange(action: Int, count: Int, names: [String])
  /// SDL could not render.
  case rendering(RenderingError)

  public var description: String {
    switch self {
    case .notFound(let name, let directory, let available):
      "no environment '\(name)': \(directory)/\(name).yaml does not exist (available: \(available.joined(separator: ", ")); or pass a path to a .yaml file)"
    case .unreadable(let file, let message):
      "\(file): cannot read the file: \(message)"
    case .malformedYAML(let file, let message):
      "\(file): malformed YAML: \(message)"
    case .unknownKey(let file, let key, let allowed):
      "\(file): unknown key '\(key)' (allowed: \(allowed.joined(separator: ", ")))"
    case .missingKey(let file, let key):
      "\(file): missing key '\(key)'"
    case .invalidValue(let file, let key, let value, let allowed):
      "\(file): key '\(key)': invalid value \(value) (allowed: \(allowed))"
    case .wrongType(let file, let key, let expected, let found):
      "\(file): \(key) must be \(expected), got \(found)"
    case .unknownGame(let file, let game, let allowed):
      "\(file): key 'game': unknown game '\(game)' (allowed: \(allowed.joined(separator: ", ")))"
    case .invalidLayout(let file, let problem):
      "\(file): key 'layout': \(problem)"
    case .actionOutOfRange(let action, let count, let names):
      "action \(action) is outside the action space (allowed: 0...\(count - 1): \(names.enumerated().map { "\($0.offset) \($0.element)" }.joined(separator: ", ")))"
    case .rendering(let error):
      error.description
    }
  }

  public var errorDescription: String? { description }
}
