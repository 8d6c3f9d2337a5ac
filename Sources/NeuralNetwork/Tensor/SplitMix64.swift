/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64); the only source of randomness.
///
/// Its whole state is one `UInt64`, so checkpoints save it and a resumed run draws the same numbers.
/// - Paper: https://doi.org/10.1145/2714064.2660195
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable, Codable {
  /// The generator's entire state.
  public var state: UInt64

  /// Creates a generator whose sequence is fixed by `seed`.
  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
