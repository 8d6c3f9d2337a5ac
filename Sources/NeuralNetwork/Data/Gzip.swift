import CZlib
import Foundation

/// gzip decompression through zlib, for `.gz` data files.
enum Gzip {
  /// Whether `data` starts with the gzip magic bytes 1f 8b.
  static func isCompressed(_ data: Data) -> Bool {
    data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
  }

  /// The decompressed bytes of a gzip stream (concatenated members included).
  static func decompress(_ data: Data, file: String) throws -> Data {
    var stream = z_stream()
    // 15 + 32: a 32 KiB window with automatic gzip/zlib header detection.
    guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw DataError.malformed(file: file, detail: "zlib could not start")
    }
    defer { inflateEnd(&stream) }
    var output = Data()
    let chunkSize = 1 << 16
    var chunk = [UInt8](repeating: 0, count: chunkSize)
    var status: Int32 = Z_OK
    try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
      guard let base = input.bindMemory(to: Bytef.self).baseAddress else { return }
      stream.next_in = UnsafeMutablePointer(mutating: base)
      stream.avail_in = uInt(input.count)
      repeat {
        try chunk.withUnsafeMutableBufferPointer { buffer in
          stream.next_out = buffer.baseAddress
          stream.avail_out = uInt(chunkSize)
          status = inflate(&stream, Z_NO_FLUSH)
          if status == Z_STREAM_END && stream.avail_in > 0 {
            // Another gzip member follows.
            inflateReset(&stream)
            status = Z_OK
          }
          guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
            throw DataError.malformed(file: file, detail: "corrupt gzip data (zlib status \(status))")
          }
          if let produced = buffer.baseAddress { output.append(produced, count: chunkSize - Int(stream.avail_out)) }
          guard output.count <= maximumDecompressedBytes else {
            throw DataError.malformed(file: file, detail: "decompresses to more than \(maximumDecompressedBytes >> 30) GiB")
          }
        }
      } while status != Z_STREAM_END && (stream.avail_in > 0 || stream.avail_out == 0)
    }
    guard status == Z_STREAM_END else {
      throw DataError.truncated(file: file, detail: "the gzip stream ends early")
    }
    return output
  }

  /// The most bytes a data file may decompress to (MNIST's largest file is 47 MB).
  static let maximumDecompressedBytes = 4 << 30

  /// The file's bytes, decompressed when it is gzip.
  static func readPossiblyCompressed(_ url: URL) throws -> Data {
    try decompressIfNeeded(Data(contentsOfDataFile: url), file: url.path)
  }

  /// `data` decompressed when it is gzip, else itself.
  static func decompressIfNeeded(_ data: Data, file: String) throws -> Data {
    isCompressed(data) ? try decompress(data, file: file) : data
  }
}

extension Data {
  /// The bytes of a data file, or `DataError.missing`.
  init(contentsOfDataFile url: URL) throws {
    guard let data = FileManager.default.contents(atPath: url.path) else { throw DataError.missing(file: url.path) }
    self = data
  }
}
