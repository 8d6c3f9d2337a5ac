import CZlib

/// Encodes 8-bit grayscale or RGB pixels as a PNG in memory (for image summaries), through zlib.
public enum PNGEncoder {
  /// - Parameters:
  ///   - pixels: `height × width × channels` bytes, row-major.
  ///   - channels: 1 (grayscale) or 3 (RGB).
  /// - Precondition: the sizes agree and `channels` is 1 or 3.
  public static func encode(pixels: [UInt8], height: Int, width: Int, channels: Int) -> [UInt8] {
    precondition(channels == 1 || channels == 3, "PNG summaries take 1 or 3 channels, got \(channels)")
    precondition(height > 0 && width > 0 && pixels.count == height * width * channels,
      "PNG needs \(height)×\(width)×\(channels) bytes, got \(pixels.count)")
    var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    var header: [UInt8] = []
    appendBigEndian(UInt32(width), to: &header)
    appendBigEndian(UInt32(height), to: &header)
    header += [8, channels == 1 ? 0 : 2, 0, 0, 0]  // depth 8, grayscale or RGB, deflate, filter 0, no interlace
    appendChunk("IHDR", header, to: &png)
    // Each row starts with its filter type, 0 (none).
    let rowBytes = width * channels
    var raw = [UInt8](repeating: 0, count: height * (rowBytes + 1))
    for row in 0..<height {
      raw.replaceSubrange((row * (rowBytes + 1) + 1)...(row * (rowBytes + 1) + rowBytes),
                          with: pixels[(row * rowBytes)..<((row + 1) * rowBytes)])
    }
    appendChunk("IDAT", deflate(raw), to: &png)
    appendChunk("IEND", [], to: &png)
    return png
  }

  private static func deflate(_ bytes: [UInt8]) -> [UInt8] {
    var length = compressBound(uLong(bytes.count))
    var output = [UInt8](repeating: 0, count: Int(length))
    let status = output.withUnsafeMutableBufferPointer { destination in
      bytes.withUnsafeBufferPointer { source in
        compress2(destination.baseAddress, &length, source.baseAddress, uLong(bytes.count), 6)
      }
    }
    precondition(status == Z_OK, "zlib compress2 failed with \(status) on a buffer of its own bound")
    return Array(output.prefix(Int(length)))
  }

  private static func appendChunk(_ type: String, _ data: [UInt8], to png: inout [UInt8]) {
    appendBigEndian(UInt32(data.count), to: &png)
    let typed = Array(type.utf8) + data
    png += typed
    let crc = typed.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
    appendBigEndian(UInt32(crc), to: &png)
  }

  private static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
    for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
  }
}
