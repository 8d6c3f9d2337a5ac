import Foundation
import Testing

@Suite struct ReplayCommandTests {
  /// A recorded replay of an untrained catch agent, in `directory`.
  func recordedReplay(in directory: URL, episodes: Int = 2) throws -> URL {
    let run = try makeViewerTestRun(in: directory)
    let replay = directory.appendingPathComponent("r.replay")
    let result = try runDQN(["record", "--agent", run.path, "--episodes", "\(episodes)", "--out", replay.path])
    try #require(result.status == 0, "\(result.stderr)")
    return replay
  }

  /// Writes `replay`'s text changed by `edit` to a new file.
  func edited(_ replay: URL, _ name: String, _ edit: (String) -> String) throws -> URL {
    let url = replay.deletingLastPathComponent().appendingPathComponent(name)
    try edit(try String(contentsOf: replay, encoding: .utf8)).write(to: url, atomically: true, encoding: .utf8)
    return url
  }

  @Test func gifAndFramesAreWritten() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let replay = try recordedReplay(in: directory)
    let gif = directory.appendingPathComponent("r.gif")
    let frames = directory.appendingPathComponent("frames")
    let result = try runDQN(["replay", replay.path, "--gif", gif.path, "--frames", frames.path, "--speed", "2"])
    #expect(result.status == 0, "\(result.stderr)")
    let data = try #require(FileManager.default.contents(atPath: gif.path))
    #expect(data.starts(with: Array("GIF89a".utf8)))
    let pngs = try FileManager.default.contentsOfDirectory(atPath: frames.path).filter { $0.hasSuffix(".png") }
    #expect(result.stdout.contains("wrote \(pngs.count) PNG frames"))
    #expect(result.stdout.contains("(\(pngs.count) frames"))
  }

  @Test func playsInAHeadlessWindow() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let replay = try recordedReplay(in: directory)
    let result = try runDQN(["replay", replay.path, "--unpaced", "--software-renderer"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("verified: every frame matches"))
  }

  @Test func tamperedFrameHashStopsPlayback() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let replay = try recordedReplay(in: directory)
    let tampered = try edited(replay, "t.replay") { text in
      // Change the first digit of the third hash of the first episode.
      guard let range = text.range(of: "frameHashes: \"") else { return text }
      var characters = Array(text)
      let index = text.distance(from: text.startIndex, to: range.upperBound) + 34
      characters[index] = characters[index] == "0" ? "1" : "0"
      return String(characters)
    }
    for arguments in [["--headless"], ["--unpaced"], ["--gif", directory.appendingPathComponent("t.gif").path]] {
      let result = try runDQN(["replay", tampered.path] + arguments)
      #expect(result.status != 0)
      #expect(result.stderr.contains("episode 1, step 2: the re-simulated frame does not match the recorded hash"), "\(result.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("t.gif").path))
  }

  @Test func otherVersionTruncationAndUnknownGameAreNamed() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let replay = try recordedReplay(in: directory)
    let cases: [(String, (String) -> String, String)] = [
      ("v9.replay", { $0.replacingOccurrences(of: "version: 1", with: "version: 9") }, "replay format version 9 is not supported"),
      ("cut.replay", { String($0.prefix($0.count * 2 / 3)) }, "the replay is truncated"),
      ("pong.replay", { $0.replacingOccurrences(of: "game: catch", with: "game: pong") }, "unknown game 'pong'"),
      ("junk.replay", { _ in "just: text\n" }, "is not a dqn replay"),
    ]
    for (name, edit, message) in cases {
      let file = try edited(replay, name, edit)
      let result = try runDQN(["replay", file.path, "--headless"])
      #expect(result.status != 0, "\(name)")
      #expect(result.stderr.contains(message), "\(name): \(result.stderr)")
      #expect(result.stderr.contains(name), "\(name) is named")
    }
    let missing = try runDQN(["replay", directory.appendingPathComponent("none.replay").path, "--headless"])
    #expect(missing.status != 0)
    #expect(missing.stderr.contains("no such file"))
  }

  @Test func noDisplayWithoutHeadless() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let replay = try recordedReplay(in: directory, episodes: 1)
    let result = try runDQN(
      ["replay", replay.path], environment: ["SDL_VIDEODRIVER": "", "DISPLAY": "", "WAYLAND_DISPLAY": ""])
    #expect(result.status != 0)
    #expect(result.stderr.contains("no display available"))
  }

  /// Every shipped replay re-simulates exactly.
  @Test func shippedReplaysVerify() throws {
    let folder = repositoryRoot().appendingPathComponent("Replays")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".replay") }.sorted()
    for file in files {
      let result = try runDQN(["replay", "Replays/\(file)", "--headless"])
      #expect(result.status == 0, "\(file): \(result.stderr)")
    }
  }
}
