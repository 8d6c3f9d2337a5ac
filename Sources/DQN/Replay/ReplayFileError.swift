import Foundation

/// A replay file that does not fit the buffer it is loaded into, or is cut short.
public enum ReplayFileError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
  case missing(file: String)
  case truncated(file: String)
  case mismatch(file: String, detail: String)
  case corrupt(file: String, detail: String)
  case unwritable(file: String, detail: String)

  public var description: String {
    switch self {
    case .missing(let file): "\(file): replay buffer file not found (the run cannot resume exactly without it)"
    case .truncated(let file): "\(file): the replay buffer file is truncated or corrupted"
    case .mismatch(let file, let detail): "\(file): the replay buffer does not fit this run: \(detail)"
    case .corrupt(let file, let detail): "\(file): the replay buffer file is damaged: \(detail)"
    case .unwritable(let file, let detail): "cannot write \(file): \(detail)"
    }
  }

  public var errorDescription: String? { description }
}
