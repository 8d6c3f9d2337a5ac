import Foundation
import Testing

@Suite struct PlayCommandTests {
  @Test func scriptedPlayRecordsAReplayThatVerifies() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let replay = directory.appendingPathComponent("me.replay")
    let shot = directory.appendingPathComponent("play.png")
    let result = try runDQN([
      "play", "--env", "catch", "--unpaced", "--max-frames", "30", "--keys", "1:+left 4:-left 5:right",
      "--episodes", "1", "--record", replay.path, "--screenshot", shot.path, "--software-renderer",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("episode 1: return"))
    #expect(isPNG(shot))
    let text = try String(contentsOf: replay, encoding: .utf8)
    #expect(text.contains("actions: \"0 0 0 1 2 1"))
    let verified = try runDQN(["replay", replay.path, "--headless"])
    #expect(verified.status == 0, "\(verified.stderr)")
  }

  @Test func playNamesAnUnknownEnvironment() throws {
    let result = try runDQN(["play", "--env", "pong", "--max-frames", "1"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("no environment 'pong'"))
  }
}
