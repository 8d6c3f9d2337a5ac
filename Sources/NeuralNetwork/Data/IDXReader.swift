import Foundation

/// Reads MNIST's IDX files (plain or gzip): images with magic 2051, labels with magic 2049.
public enum IDXReader {
  /// The images as `[count, 1, rows, columns]` scaled to [0, 1].
  public static func readImages(_ url: URL) throws -> Tensor {
    try decodeImages(Data(contentsOfDataFile: url), file: url.path)
  }

  /// The images in an IDX file's bytes (plain or gzip); `file` names it in errors.
  public static func decodeImages(_ data: Data, file: String) throws -> Tensor {
    let bytes = [UInt8](try Gzip.decompressIfNeeded(data, file: file))
    guard bytes.count >= 16 else { throw DataError.truncated(file: file, detail: "no 16-byte image header") }
    let magic = bigEndian(bytes, 0)
    guard magic == 2051 else {
      throw DataError.malformed(file: file, detail: "magic number \(magic), expected 2051 for IDX images")
    }
    let count = bigEndian(bytes, 4)
    let rows = bigEndian(bytes, 8)
    let columns = bigEndian(bytes, 12)
    guard rows > 0, columns > 0, rows <= 4096, columns <= 4096 else {
      throw DataError.malformed(file: file, detail: "image size \(rows)×\(columns)")
    }
    let needed = 16 + count * rows * columns  // at most 2³² · 2¹² · 2¹²: no overflow
    guard count > 0 else { throw DataError.malformed(file: file, detail: "the header says 0 images") }
    guard bytes.count >= needed else {
      throw DataError.truncated(file: file, detail: "\(bytes.count) bytes for \(count) images of \(rows)×\(columns) (needs \(needed))")
    }
    var scalars = [Float](repeating: 0, count: count * rows * columns)
    for index in 0..<scalars.count { scalars[index] = Float(bytes[16 + index]) / 255 }
    return Tensor(shape: [count, 1, rows, columns], scalars: scalars)
  }

  /// The labels, each checked against `classes`.
  public static func readLabels(_ url: URL, classes: Int = 10) throws -> [Int] {
    try decodeLabels(Data(contentsOfDataFile: url), file: url.path, classes: classes)
  }

  /// The labels in an IDX file's bytes (plain or gzip), each checked against `classes`.
  public static func decodeLabels(_ data: Data, file: String, classes: Int = 10) throws -> [Int] {
    let bytes = [UInt8](try Gzip.decompressIfNeeded(data, file: file))
    guard bytes.count >= 8 else { throw DataError.truncated(file: file, detail: "no 8-byte label header") }
    let magic = bigEndian(bytes, 0)
    guard magic == 2049 else {
      throw DataError.malformed(file: file, detail: "magic number \(magic), expected 2049 for IDX labels")
    }
    let count = bigEndian(bytes, 4)
    guard count > 0 else { throw DataError.malformed(file: file, detail: "the header says 0 labels") }
    guard bytes.count >= 8 + count else {
      throw DataError.truncated(file: file, detail: "\(bytes.count - 8) labels present, header says \(count)")
    }
    let labels = (0..<count).map { Int(bytes[8 + $0]) }
    if let bad = labels.firstIndex(where: { $0 >= classes }) {
      throw DataError.labelOutOfRange(file: file, index: bad, label: labels[bad], classes: classes)
    }
    return labels
  }

  private static func bigEndian(_ bytes: [UInt8], _ offset: Int) -> Int {
    (0..<4).reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
  }
}
