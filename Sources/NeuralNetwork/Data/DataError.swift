import Foundation

/// A data file that cannot be read as a labelled image set.
public enum DataError: Error, CustomStringConvertible, LocalizedError, Equatable {
  case missing(file: String)
  case truncated(file: String, detail: String)
  case malformed(file: String, detail: String)
  case labelOutOfRange(file: String, index: Int, label: Int, classes: Int)
  case mismatchedCounts(images: String, imageCount: Int, labels: String, labelCount: Int)
  case noDataFiles(directory: String, detail: String)

  public var description: String {
    switch self {
    case .missing(let file): return "\(file): file not found"
    case .truncated(let file, let detail): return "\(file): truncated (\(detail))"
    case .malformed(let file, let detail): return "\(file): malformed (\(detail))"
    case .labelOutOfRange(let file, let index, let label, let classes):
      return "\(file): label \(label) of sample \(index) is outside 0..<\(classes)"
    case .mismatchedCounts(let images, let imageCount, let labels, let labelCount):
      return "\(images) holds \(imageCount) images but \(labels) holds \(labelCount) labels"
    case .noDataFiles(let directory, let detail): return "\(directory): \(detail)"
    }
  }

  public var errorDescription: String? { description }
}
