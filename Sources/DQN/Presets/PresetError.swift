import Foundation

/// A preset file, a `--set` override or a run folder's `agent.yaml` that cannot be used.
public enum PresetError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
  /// No `NAME.yaml` among the presets.
  case notFound(name: String, directory: String, available: [String])
  case unreadable(file: String, message: String)
  case malformedYAML(file: String, message: String)
  /// A key that presets do not have.
  case unknownKey(file: String, key: String, allowed: [String])
  /// A value of the wrong type or out of range.
  case invalidValue(file: String, key: String, value: String, allowed: String)
  /// Two values that do not fit together (a batch larger than the buffer, say).
  case inconsistent(file: String, key: String, message: String)
  /// A `--set` argument not of the form `key=value`.
  case malformedOverride(String)

  public var description: String {
    switch self {
    case .notFound(let name, let directory, let available):
      "no agent preset '\(name)': \(directory)/\(name).yaml does not exist (available: \(available.joined(separator: ", ")); or pass --agent path/to/preset.yaml)"
    case .unreadable(let file, let message): "\(file): cannot read the file: \(message)"
    case .malformedYAML(let file, let message): "\(file): malformed YAML: \(message)"
    case .unknownKey(let file, let key, let allowed):
      "\(file): unknown key '\(key)' (allowed: \(allowed.joined(separator: ", ")))"
    case .invalidValue(let file, let key, let value, let allowed):
      "\(file): key '\(key)': invalid value '\(value)' (allowed: \(allowed))"
    case .inconsistent(let file, let key, let message): "\(file): key '\(key)': \(message)"
    case .malformedOverride(let text): "--set '\(text)': expected key=value, such as --set learningRate=0.0005"
    }
  }

  public var errorDescription: String? { description }
}
