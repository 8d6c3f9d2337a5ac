/// Reads a game's keys from an environment file, inside `GameParameters.init(from:)`.
///
/// ```
/// public init(from decoder: any Decoder) throws {
///   self.init()
///   let file = try ParameterReader(decoder)
///   rows = try file.value("rows", in: 2...100) ?? rows
/// }
/// ```
public struct ParameterReader {
  private let container: KeyedDecodingContainer<AnyCodingKey>

  public init(_ decoder: any Decoder) throws {
    container = try decoder.container(keyedBy: AnyCodingKey.self)
  }

  /// Whether the file gives `key`.
  public func contains(_ key: String) -> Bool {
    container.contains(AnyCodingKey(key))
  }

  /// The value of `key`, or nil if the file does not give it.
  ///
  /// - Throws: a `DecodingError` naming `key` when the value has another type, and
  ///   `ParameterError.invalidValue` when the key is given without a value.
  public func value<Value: Decodable>(_ key: String, as type: Value.Type = Value.self) throws -> Value? {
    try container.decodeGiven(Value.self, forKey: key)
  }

  /// The value of `key` if it lies in `range`, or nil if the file does not give it.
  ///
  /// - Throws: `ParameterError.invalidValue` with the range when it lies outside.
  public func value<Value: Decodable & Comparable>(_ key: String, in range: ClosedRange<Value>) throws -> Value? {
    guard let value = try value(key, as: Value.self) else { return nil }
    guard range.contains(value) else {
      throw ParameterError.invalidValue(key: key, value: "\(value)", allowed: "\(range.lowerBound)...\(range.upperBound)")
    }
    return value
  }
}
