import Foundation

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): the checksum of checkpoint manifests and
/// of TFRecord framing.
///
/// zlib has only the other CRC-32 (IEEE), so this is a table implementation, slicing by 8 bytes
/// (well over 1 GB/s: far below the cost of writing what it checks).
public enum CRC32C {
  /// The standard check value: `checksum(of: Array("123456789".utf8)) == 0xE306_9283`.
  public static func checksum(of bytes: [UInt8]) -> UInt32 {
    bytes.withUnsafeBufferPointer { update(0xFFFF_FFFF, $0) } ^ 0xFFFF_FFFF
  }

  /// The checksum of `previous`'s bytes followed by `bytes`, from `previous`'s checksum
  /// (`extend(0, with: bytes)` is the checksum of `bytes` alone): for data written in pieces.
  public static func extend(_ previous: UInt32, with bytes: UnsafeRawBufferPointer) -> UInt32 {
    update(previous ^ 0xFFFF_FFFF, bytes.bindMemory(to: UInt8.self)) ^ 0xFFFF_FFFF
  }

  /// TFRecord's masked CRC: rotate right by 15 bits, then add 0xA282EAD8.
  public static func masked(_ bytes: [UInt8]) -> UInt32 {
    let crc = checksum(of: bytes)
    return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
  }

  /// The size and checksum of the file at `url`, read in chunks of 4 MiB.
  ///
  /// - Throws: the system's error when the file cannot be opened or read.
  public static func checksum(ofFileAt url: URL) throws -> (size: Int, checksum: UInt32) {
    let handle = try FileHandle(forReadingFrom: url)
    defer { try? handle.close() }
    var crc: UInt32 = 0xFFFF_FFFF
    var size = 0
    while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
      crc = chunk.withUnsafeBytes { update(crc, $0.bindMemory(to: UInt8.self)) }
      size += chunk.count
    }
    return (size, crc ^ 0xFFFF_FFFF)
  }

  private static func update(_ start: UInt32, _ buffer: UnsafeBufferPointer<UInt8>) -> UInt32 {
    var crc = start
    var index = 0
    let count = buffer.count
    while count - index >= 8 {
      let low = crc ^ (UInt32(buffer[index]) | UInt32(buffer[index + 1]) << 8
        | UInt32(buffer[index + 2]) << 16 | UInt32(buffer[index + 3]) << 24)
      crc = tables[7 * 256 + Int(low & 0xFF)] ^ tables[6 * 256 + Int((low >> 8) & 0xFF)]
        ^ tables[5 * 256 + Int((low >> 16) & 0xFF)] ^ tables[4 * 256 + Int(low >> 24)]
        ^ tables[3 * 256 + Int(buffer[index + 4])] ^ tables[2 * 256 + Int(buffer[index + 5])]
        ^ tables[1 * 256 + Int(buffer[index + 6])] ^ tables[Int(buffer[index + 7])]
      index += 8
    }
    while index < count {
      crc = tables[Int((crc ^ UInt32(buffer[index])) & 0xFF)] ^ (crc >> 8)
      index += 1
    }
    return crc
  }

  /// Eight 256-entry tables: `tables[k·256 + b]` is the CRC of byte `b` followed by `k` zero bytes.
  private static let tables: [UInt32] = {
    var tables = [UInt32](repeating: 0, count: 8 * 256)
    for byte in 0..<256 {
      var crc = UInt32(byte)
      for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
      tables[byte] = crc
    }
    for k in 1..<8 {
      for byte in 0..<256 {
        let previous = tables[(k - 1) * 256 + byte]
        tables[k * 256 + byte] = tables[Int(previous & 0xFF)] ^ (previous >> 8)
      }
    }
    return tables
  }()
}
