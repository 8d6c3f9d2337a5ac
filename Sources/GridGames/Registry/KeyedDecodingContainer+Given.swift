extension KeyedDecodingContainer where Key == AnyCodingKey {
  /// The value of `key`, nil when the file does not give the key, and an error when it gives the
  /// key without a value (`rows:` alone, or a file cut off after `layout: |`): an empty value is
  /// never taken as "use the default".
  func decodeGiven<T: Decodable>(_ type: T.Type, forKey key: String) throws -> T? {
    let codingKey = AnyCodingKey(key)
    guard contains(codingKey) else { return nil }
    if try decodeNil(forKey: codingKey) {
      throw ParameterError.invalidValue(key: key, value: "empty", allowed: "a value; the key is given without one")
    }
    return try decode(T.self, forKey: codingKey)
  }
}
