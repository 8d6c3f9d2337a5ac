import Foundation

/// Makes the N-th file operation fail or end the process, for tests that prove a crash or a failed
/// write at any moment leaves something `--resume` can use (or refuses clearly).
///
/// Off unless the environment variable `DQN_FAULT_INJECTION` is set, to `fail:N` (the N-th
/// operation throws, as a full disk would) or `exit:N` (the process ends at once with status 86,
/// as `kill -9` would). Operations are counted from 1 across the process: every atomic write
/// counts twice (creating its temporary file, renaming it), and checkpoints count their folder
/// renames and removals. Nothing but the tests sets the variable.
public enum FaultInjection {
  /// What happens at the chosen operation.
  public enum Action: Equatable, Sendable {
    case fail, exit
  }

  private static let plan: (action: Action, operation: Int)? = {
    guard let value = ProcessInfo.processInfo.environment["DQN_FAULT_INJECTION"] else { return nil }
    let parts = value.split(separator: ":")
    guard parts.count == 2, let operation = Int(parts[1]), operation > 0 else { return nil }
    switch parts[0] {
    case "fail": return (.fail, operation)
    case "exit": return (.exit, operation)
    default: return nil
    }
  }()

  private static let counter = OperationCounter()

  /// Counts one file operation on `file`; throws or exits when it is the chosen one.
  public static func operation(on file: String) throws(FileWriteError) {
    guard let plan else { return }
    let count = counter.next()
    guard count == plan.operation else { return }
    switch plan.action {
    case .fail: throw FileWriteError(file: file, detail: "injected fault at file operation \(count)")
    case .exit: _exit(86)
    }
  }
}

/// A thread-safe counter.
private final class OperationCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var count = 0

  func next() -> Int {
    lock.lock()
    defer { lock.unlock() }
    count += 1
    return count
  }
}
