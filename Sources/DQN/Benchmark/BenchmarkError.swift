import Foundation

/// Why `dqn benchmark` cannot go on.
public enum BenchmarkError: Error, CustomStringConvertible, LocalizedError, Equatable {
  /// The references file is missing or malformed.
  case references(file: String, detail: String)
  /// A run's files cannot be read or written.
  case run(folder: String, detail: String)
  /// The child process could not be started.
  case launch(executable: String, detail: String)

  public var description: String {
    switch self {
    case .references(let file, let detail): "\(file): \(detail)"
    case .run(let folder, let detail): "\(folder): \(detail)"
    case .launch(let executable, let detail): "cannot start \(executable): \(detail)"
    }
  }

  public var errorDescription: String? { description }
}
