import CShims
import Foundation

/// Terminal output: a live, overwritten progress line on a terminal, plain lines otherwise.
enum Console {
  /// Whether standard output is a terminal.
  static var isTerminal: Bool { isatty(STDOUT_FILENO) != 0 }

  /// Rewrites the current line on a terminal (no newline); prints a normal line otherwise.
  static func progress(_ text: String) {
    if isTerminal {
      cshims_write_stdout("\r\u{1B}[2K" + text)
    } else {
      print(text)
    }
  }

  /// Ends a progress line on a terminal so the next output starts on a fresh line.
  static func endProgress() {
    if isTerminal { cshims_write_stdout("\n") }
  }

  /// Writes a line to standard error.
  static func error(_ text: String) {
    cshims_write_stderr(text + "\n")
  }
}
