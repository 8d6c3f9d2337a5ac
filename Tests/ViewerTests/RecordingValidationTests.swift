import Foundation
import Testing
import Viewer

/// Damaged recordings are refused naming the key; none traps.
@Suite struct RecordingValidationTests {
  static func shipped() throws -> String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return try String(contentsOf: root.appendingPathComponent("Replays/catch.replay"), encoding: .utf8)
  }

  /// Found by scripts/robustness-cases: an episode length of Int.max trapped while the error
  /// message computed `length + 1`.
  @Test func extremeLengthsAreRefusedNamingTheKey() throws {
    let text = try Self.shipped()
    let first = try #require(text.range(of: #"length: [0-9]+"#, options: .regularExpression))
    for length in ["9223372036854775807", "100000001", "-1", "99999999999999999999"] {
      let damaged = text.replacingCharacters(in: first, with: "length: \(length)")
      #expect { try Recording.parse(damaged, file: "c.replay") } throws: { error in
        "\(error)".contains("c.replay") && "\(error)".contains("episodes[0].length")
      }
    }
  }

  @Test func actionsOutOfRangeAndDamagedHashesFailVerification() throws {
    let text = try Self.shipped()
    for (pattern, replacement) in [(#"actions: "[0-9]"#, #"actions: "99"#), (#"frameHashes: "4"#, #"frameHashes: "5"#)] {
      let range = try #require(text.range(of: pattern, options: .regularExpression))
      let damaged = text.replacingCharacters(in: range, with: replacement)
      #expect(throws: ViewerError.self) { try Recording.parse(damaged, file: "c.replay").verify(file: "c.replay") }
    }
  }
}
