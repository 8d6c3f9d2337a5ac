import Foundation

/// A model folder that cannot be used.
public enum ModelError: Error, CustomStringConvertible, LocalizedError, Equatable {
  case notAModel(directory: String, detail: String)
  case inputMismatch(model: [Int], data: [Int])
  case invalidDescription(file: String, detail: String)

  public var description: String {
    switch self {
    case .notAModel(let directory, let detail): return "\(directory) is not a saved model: \(detail)"
    case .inputMismatch(let model, let data):
      return "the model expects images of shape \(model) but the data has \(data)"
    case .invalidDescription(let file, let detail): return "\(file): \(detail)"
    }
  }

  public var errorDescription: String? { description }
}
