import Foundation

/// A checkpoint or model file that cannot be used.
public enum CheckpointError: Error, CustomStringConvertible, LocalizedError, Equatable {
  case missing(file: String)
  case truncated(file: String, detail: String)
  case malformed(file: String, detail: String)
  case missingTensor(name: String, file: String)
  case unexpectedTensor(name: String, file: String)
  case shapeMismatch(name: String, expected: [Int], found: [Int], file: String)
  case unwritable(file: String, detail: String)
  case nonFinite(name: String, index: Int, value: Float, file: String)

  public var description: String {
    switch self {
    case .missing(let file): return "\(file): file not found"
    case .truncated(let file, let detail): return "\(file): truncated safetensors file (\(detail))"
    case .malformed(let file, let detail): return "\(file): malformed safetensors file (\(detail))"
    case .missingTensor(let name, let file): return "\(file): has no tensor '\(name)' that the network needs"
    case .unexpectedTensor(let name, let file): return "\(file): holds tensor '\(name)' that the network does not have"
    case .shapeMismatch(let name, let expected, let found, let file):
      return "\(file): tensor '\(name)' has shape \(found) but the network expects \(expected)"
    case .unwritable(let file, let detail): return "cannot write \(file): \(detail)"
    case .nonFinite(let name, let index, let value, let file):
      return "\(file): tensor '\(name)' holds \(value) at element \(index) (weights must be finite numbers)"
    }
  }

  public var errorDescription: String? { description }
}
