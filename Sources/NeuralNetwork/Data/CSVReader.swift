import Foundation

/// Reads labelled images from CSV (plain or gzip): one sample a line, the pixel values, then the label
/// (the UCI digits: 64 values in 0…16 and a digit).
public enum CSVReader {
  /// - Parameters:
  ///   - height, width: the image size; each line must hold `height·width + 1` numbers.
  ///   - maximum: the largest pixel value, mapped to 1.
  /// - Returns: images `[count, 1, height, width]` and labels.
  public static func read(
    _ url: URL, height: Int = 8, width: Int = 8, maximum: Float = 16, classes: Int = 10
  ) throws -> (images: Tensor, labels: [Int]) {
    let data = try Gzip.readPossiblyCompressed(url)
    let text = String(decoding: data, as: UTF8.self)
    var scalars: [Float] = []
    var labels: [Int] = []
    let expected = height * width + 1
    for (lineIndex, line) in text.split(whereSeparator: \.isNewline).enumerated() {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      let fields = trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      if labels.isEmpty && scalars.isEmpty && Double(fields[0]) == nil { continue }  // a header line
      guard fields.count == expected else {
        throw DataError.malformed(file: url.path, detail: "line \(lineIndex + 1) has \(fields.count) fields, expected \(expected)")
      }
      for field in fields.dropLast() {
        guard let value = Float(field) else {
          throw DataError.malformed(file: url.path, detail: "line \(lineIndex + 1): '\(field)' is not a number")
        }
        scalars.append(value / maximum)
      }
      guard let label = Int(fields[expected - 1]) ?? Double(fields[expected - 1]).map({ Int($0) }) else {
        throw DataError.malformed(file: url.path, detail: "line \(lineIndex + 1): label '\(fields[expected - 1])' is not an integer")
      }
      guard (0..<classes).contains(label) else {
        throw DataError.labelOutOfRange(file: url.path, index: labels.count, label: label, classes: classes)
      }
      labels.append(label)
    }
    guard !labels.isEmpty else { throw DataError.malformed(file: url.path, detail: "no samples") }
    return (Tensor(shape: [labels.count, 1, height, width], scalars: scalars), labels)
  }
}
