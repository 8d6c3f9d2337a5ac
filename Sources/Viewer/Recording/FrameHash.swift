import GridGames

/// The 64-bit FNV-1a hash of a frame's bytes: what a recording stores for every observation.
///
/// - Paper: G. Fowler, L. C. Noll, K.-P. Vo, "FNV hash", IETF draft-eastlake-fnv.
public enum FrameHash {
  static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
  static let prime: UInt64 = 0x0000_0100_0000_01b3

  /// FNV-1a over `bytes`.
  public static func fnv1a<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt64 {
    var hash = offsetBasis
    for byte in bytes {
      hash ^= UInt64(byte)
      hash = hash &* prime
    }
    return hash
  }

  /// FNV-1a over the frame's pixels (`height × width × channels` bytes, row-major).
  public static func of(_ frame: Frame) -> UInt64 {
    frame.pixels.withUnsafeBufferPointer { fnv1a($0) }
  }

  /// Sixteen lowercase hex digits.
  public static func hex(_ hash: UInt64) -> String {
    let digits = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }

  /// Parses sixteen hex digits; nil for anything else.
  public static func parse(_ text: Substring) -> UInt64? {
    guard text.count == 16 else { return nil }
    return UInt64(text, radix: 16)
  }
}
