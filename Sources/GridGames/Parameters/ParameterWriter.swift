/// Writes a game's keys into an environment file, inside `GameParameters.encode(to:)`.
public struct ParameterWriter {
  private var container: KeyedEncodingContainer<AnyCodingKey>

  public init(_ encoder: any Encoder) {
    container = encoder.container(keyedBy: AnyCodingKey.self)
  }

  /// Writes `value` under `key` (nothing for nil).
  public mutating func write<Value: Encodable>(_ key: String, _ value: Value?) throws {
    if let value { try container.encode(value, forKey: AnyCodingKey(key)) }
  }
}
