import FileIO

/// TFRecord framing, the container of TensorBoard event files: each record is
/// `u64 length (LE) · u32 masked CRC-32C of those 8 bytes · the bytes · u32 masked CRC-32C of the bytes`.
public enum TFRecord {
  /// The framed record for `payload`.
  public static func frame(_ payload: [UInt8]) -> [UInt8] {
    var record: [UInt8] = []
    record.reserveCapacity(payload.count + 16)
    var length = UInt64(payload.count).littleEndian
    let lengthBytes = withUnsafeBytes(of: &length) { Array($0) }
    record += lengthBytes
    appendLittleEndian(CRC32C.masked(lengthBytes), to: &record)
    record += payload
    appendLittleEndian(CRC32C.masked(payload), to: &record)
    return record
  }

  /// Splits `bytes` into records' payloads, checking both CRCs of each. A record cut short at the
  /// end (a writer killed mid-record) ends the list; a CRC that does not match is an error.
  public static func records(in bytes: [UInt8]) throws(TFRecordError) -> [[UInt8]] {
    var payloads: [[UInt8]] = []
    var offset = 0
    while offset < bytes.count {
      guard bytes.count - offset >= 12 else { break }
      let lengthBytes = Array(bytes[offset..<offset + 8])
      var length: UInt64 = 0
      for (shift, byte) in lengthBytes.enumerated() { length |= UInt64(byte) << (8 * UInt64(shift)) }
      guard readLittleEndian(bytes, at: offset + 8) == CRC32C.masked(lengthBytes) else {
        throw TFRecordError(offset: offset, detail: "the length's CRC does not match")
      }
      guard length <= UInt64(bytes.count - offset - 12), bytes.count - offset - 12 - Int(length) >= 4 else { break }
      let start = offset + 12
      let payload = Array(bytes[start..<start + Int(length)])
      guard readLittleEndian(bytes, at: start + Int(length)) == CRC32C.masked(payload) else {
        throw TFRecordError(offset: offset, detail: "the data's CRC does not match")
      }
      payloads.append(payload)
      offset = start + Int(length) + 4
    }
    return payloads
  }

  private static func appendLittleEndian(_ value: UInt32, to bytes: inout [UInt8]) {
    for shift in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(shift)))) }
  }

  private static func readLittleEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
  }
}

/// A TFRecord file whose framing is damaged (not merely cut short at the end).
public struct TFRecordError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Where the bad record starts.
  public var offset: Int
  public var detail: String
  public var description: String { "bad TFRecord at byte \(offset): \(detail)" }
}
