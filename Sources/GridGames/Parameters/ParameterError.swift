/// A game parameter that an environment file gives wrongly; the definition adds the file name
/// and reports it as the matching `EnvironmentError`.
public enum ParameterError: Error, Equatable, Sendable, CustomStringConvertible {
  /// `value` is not what `key` allows (`allowed` says what is, in words or as a range `1...100`).
  case invalidValue(key: String, value: String, allowed: String)
  /// The game needs `key` (given the other keys) but the file does not give it.
  case missingKey(String)

  public var description: String {
    switch self {
    case .invalidValue(let key, let value, let allowed): "key '\(key)': invalid value \(value) (allowed: \(allowed))"
    case .missingKey(let key): "missing key '\(key)'"
    }
  }
}
