import Foundation
import Testing

@Suite struct RecordCommandTests {
  @Test func recordsEpisodesThatReplayExactly() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let run = try makeViewerTestRun(in: directory)
    let replay = directory.appendingPathComponent("r.replay")
    let result = try runDQN(["record", "--agent", run.path, "--episodes", "3", "--out", replay.path, "--seed", "9"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("recorded 3 episodes of catch"))
    let text = try String(contentsOf: replay, encoding: .utf8)
    #expect(text.contains("format: dqn-replay"))
    #expect(text.contains("episodeCount: 3"))
    #expect(text.contains("seed: 9"))
    let verified = try runDQN(["replay", replay.path, "--headless"])
    #expect(verified.status == 0, "\(verified.stderr)")
    #expect(verified.stdout.contains("verified 3 episodes"))
  }

  @Test func unwritableOutputFailsBeforePlaying() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let run = try makeViewerTestRun(in: directory)
    let result = try runDQN(["record", "--agent", run.path, "--episodes", "1", "--out", "/nonexistent/r.replay"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("cannot write /nonexistent/r.replay"))
    #expect(!result.stdout.contains("episode 1"))
  }

  @Test func missingRunFolderIsNamed() throws {
    let result = try runDQN(["record", "--agent", "/nonexistent/run", "--episodes", "1", "--out", "/tmp/x.replay"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("/nonexistent/run is not a training run"))
  }
}
