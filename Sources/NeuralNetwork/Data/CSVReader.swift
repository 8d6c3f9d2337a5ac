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
    try decode(Data(contentsOfDataFile: url), file: url.path, height: height, width: width, maximum: maximum, classes: classes)
  }

  /// The samples in a CSV file's bytes (plain or gzip); `file` names it in errors.
  ///
  /// Every pixel value must be a finite number and every label a whole number in `0..<classes`;
  /// a line of only separators, a missing field or an empty file is an error naming the line.
  public static func decode(
    _ data: Data, file: String, height: Int = 8, width: Int = 8, maximum: Float = 16, classes: Int = 10
  ) throws -> (images: Tensor, labels: [Int]) {
    guard (1...4096).contains(height), (1...4096).contains(width) else {
      throw DataError.malformed(file: file, detail: "image size \(height)×\(width) is outside 1...4096")
    }
    guard maximum.isFinite, maximum > 0 else {
      throw DataError.malformed(file: file, detail: "the largest pixel value must be a finite number > 0, got \(maximum)")
    }
    let text = String(decoding: try Gzip.decompressIfNeeded(data, file: file), as: UTF8.self)
    var scalars: [Float] = []
    var labels: [Int] = []
    let expected = height * width + 1
    for (lineIndex, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      if labels.isEmpty && scalars.isEmpty && Double(fields[0]) == nil && fields.contains(where: { !$0.isEmpty }) {
        continue  // a header line
      }
      guard fields.count == expected else {
        throw DataError.malformed(file: file, detail: "line \(lineIndex + 1) has \(fields.count) fields, expected \(expected)")
      }
      for field in fields.dropLast() {
        guard let value = Float(field), value.isFinite else {
          throw DataError.malformed(file: file, detail: "line \(lineIndex + 1): '\(field)' is not a finite number")
        }
        scalars.append(value / maximum)
      }
      let labelText = fields[expected - 1]
      guard let label = Self.label(labelText) else {
        throw DataError.malformed(
          file: file, detail: "line \(lineIndex + 1): label '\(labelText)' is not a whole number in 0..<\(classes)")
      }
      guard (0..<classes).contains(label) else {
        throw DataError.labelOutOfRange(file: file, index: labels.count, label: label, classes: classes)
      }
      labels.append(label)
    }
    guard !labels.isEmpty else { throw DataError.malformed(file: file, detail: "no samples") }
    return (Tensor(shape: [labels.count, 1, height, width], scalars: scalars), labels)
  }

  /// A label written as an integer (`7`) or a whole float (`7.0`); nil for anything else,
  /// `nan`, `inf` and values beyond ±2³¹ included.
  private static func label(_ text: String) -> Int? {
    if let value = Int(text) { return value }
    guard let value = Double(text), value.isFinite, value == value.rounded(), abs(value) < 2_147_483_648 else { return nil }
    return Int(value)
  }
}
