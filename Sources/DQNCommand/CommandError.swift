import Foundation

/// A user-facing error raised by a command (bad option combinations, unreadable paths).
struct CommandError: Error, CustomStringConvertible, LocalizedError {
  var description: String
  init(_ description: String) { self.description = description }
  var errorDescription: String? { description }
}
