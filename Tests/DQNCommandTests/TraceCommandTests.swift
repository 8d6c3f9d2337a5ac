import Foundation
import Testing
@testable import DQNCommand

@Suite struct TraceCommandTests {
  @Test func parsesActionLists() throws {
    #expect(try TraceCommand.parseActions("0,3, 5\n1 2", source: "x") == [0, 3, 5, 1, 2])
    #expect(throws: (any Error).self) { try TraceCommand.parseActions("0,x", source: "x") }
    #expect(throws: (any Error).self) { try TraceCommand.parseAsRoot(["--env", "catch"]) }
    #expect(throws: (any Error).self) {
      try TraceCommand.parseAsRoot(["--env", "catch", "--actions", "1", "--random", "3"])
    }
  }

  @Test func tracesCatchToTheEnd() throws {
    let result = try runDQN(["trace", "--env", "catch", "--seed", "3", "--random", "50"])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.count == 10)  // the reset line and nine steps
    let last = try JSONSerialization.jsonObject(with: Data(lines[9].utf8)) as? [String: Any]
    #expect(last?["terminated"] as? Bool == true)
    #expect((last?["state"] as? [[[Int]]])?.count == 2)
  }

  @Test func tracesBreakoutWithGivenActionsAndFile() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("actions-\(UUID().uuidString).txt")
    try "0 1\n3,5".write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let fromFile = try runDQN(["trace", "--env", "breakout", "--seed", "0", "--actions-file", file.path])
    let inline = try runDQN(["trace", "--env", "breakout", "--seed", "0", "--actions", "0,1,3,5"])
    #expect(fromFile.status == 0 && inline.status == 0, "\(fromFile.stderr) \(inline.stderr)")
    #expect(fromFile.stdout == inline.stdout)
    #expect(inline.stdout.split(separator: "\n").count == 5)
  }

  @Test func actionOutsideTheSpaceFailsCleanly() throws {
    let result = try runDQN(["trace", "--env", "breakout", "--actions", "0,6"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("action 6"))
    #expect(result.stdout.isEmpty)
  }

  @Test func badEnvironmentFileFailsCleanly() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("envs-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("bad.yaml")
    try "game: breakout\nstickyActionProbability: 2\n".write(to: file, atomically: true, encoding: .utf8)
    let result = try runDQN(["trace", "--env", file.path, "--random", "3"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("bad.yaml") && result.stderr.contains("stickyActionProbability"))
  }
}
