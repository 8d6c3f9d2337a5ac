import Foundation
import GridGames
import Testing

@testable import Viewer

@Suite struct RecordingTests {
  @Test func textRoundTrips() throws {
    let replay = try randomRecording(catchDefinition(), episodes: 3)
    #expect(replay.episodes.count == 3)
    for episode in replay.episodes {
      #expect(episode.frameHashes.count == episode.actions.count + 1)
      #expect(episode.end == .terminated)
    }
    let parsed = try Recording.parse(try replay.text(), file: "test.replay")
    #expect(parsed == replay)
  }

  @Test func writesAndLoads() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var replay = try randomRecording(catchDefinition(), episodes: 1)
    replay.agent = "Agents/runs/some \"quoted\" run"
    let url = directory.appendingPathComponent("a.replay")
    try replay.write(to: url)
    #expect(try Recording.load(from: url) == replay)
  }

  /// Seed + actions reproduce every frame, in every game (time-limited so random play ends).
  @Test(arguments: GameRegistry.builtIn.map { $0.name })
  func recordingVerifiesInEveryGame(_ game: String) throws {
    var definition = EnvironmentDefinition.defaults(for: try #require(GameRegistry.game(named: game)))
    definition.observation.maxEpisodeSteps = 40
    let replay = try randomRecording(definition, episodes: 2)
    let parsed = try Recording.parse(try replay.text(), file: "\(game).replay")
    let returns = try parsed.verify(file: "\(game).replay")
    #expect(returns == replay.episodes.map(\.totalReward))
  }

  @Test func tamperedHashIsCaughtAtItsStep() throws {
    var replay = try randomRecording(catchDefinition(), episodes: 2)
    replay.episodes[1].frameHashes[4] ^= 1
    #expect {
      try replay.verify(file: "t.replay")
    } throws: { error in
      guard case ViewerError.frameMismatch(let file, let episode, let step, _, _) = error else { return false }
      return file == "t.replay" && episode == 1 && step == 4
    }
  }

  @Test func tamperedActionIsCaught() throws {
    var replay = try randomRecording(catchDefinition(), episodes: 1)
    // Moving the other way changes the paddle's position in the next frame.
    let first = replay.episodes[0].actions[0]
    replay.episodes[0].actions[0] = first == 0 ? 2 : 0
    #expect(throws: ViewerError.self) { try replay.verify(file: "t.replay") }
  }

  @Test func tamperedRewardIsCaught() throws {
    var replay = try randomRecording(catchDefinition(), episodes: 1)
    let last = replay.episodes[0].rewards.count - 1
    replay.episodes[0].rewards[last] += 5
    #expect {
      try replay.verify(file: "t.replay")
    } throws: { error in
      if case ViewerError.rewardMismatch = error { return true }
      return false
    }
  }

  @Test func otherVersionIsRejected() throws {
    let text = try randomRecording(catchDefinition(), episodes: 1).text().replacingOccurrences(of: "version: 1", with: "version: 2")
    #expect {
      try Recording.parse(text, file: "v2.replay")
    } throws: { error in
      (error as? ViewerError)?.description == "v2.replay: replay format version 2 is not supported (this dqn reads version 1)"
    }
  }

  @Test(arguments: [0.3, 0.5, 0.8, 0.95, 0.999])
  func truncationIsReported(_ fraction: Double) throws {
    let text = try randomRecording(catchDefinition(), episodes: 3).text()
    let cut = String(text.prefix(Int(Double(text.count) * fraction)))
    #expect {
      try Recording.parse(cut, file: "cut.replay")
    } throws: { error in
      guard case ViewerError.truncatedRecording(let file, _) = error else { return false }
      return file == "cut.replay"
    }
  }

  @Test func unknownGameIsNamed() throws {
    let text = try randomRecording(catchDefinition(), episodes: 1).text()
      .replacingOccurrences(of: "game: catch", with: "game: pong")
    #expect {
      try Recording.parse(text, file: "pong.replay")
    } throws: { error in
      let message = (error as? ViewerError)?.description ?? ""
      return message.hasPrefix("pong.replay") && message.contains("unknown game 'pong'")
    }
  }

  @Test func notARecording() throws {
    #expect(throws: ViewerError.self) { try Recording.parse("name: catch\ngame: catch\n", file: "x.yaml") }
    #expect(throws: ViewerError.self) { try Recording.parse("", file: "empty.replay") }
    #expect(throws: ViewerError.self) { try Recording.load(from: URL(fileURLWithPath: "/nonexistent/x.replay")) }
  }

  @Test func unwritableOutputIsNamed() throws {
    let replay = try randomRecording(catchDefinition(), episodes: 1)
    #expect {
      try replay.write(to: URL(fileURLWithPath: "/nonexistent-folder/x.replay"))
    } throws: { error in
      (error as? ViewerError)?.description.hasPrefix("cannot write /nonexistent-folder/x.replay") ?? false
    }
  }

  @Test func stoppedEpisodeReplaysUpToWhereItStopped() throws {
    let definition = catchDefinition()
    let recorder = Recorder(environment: definition, seed: 1, agent: nil)
    let session = try PlaybackSession(
      definition: definition, source: RandomActionSource(actionCount: 3, seed: 1, episodes: 5), recorder: recorder,
      rendersDisplay: false)
    for _ in 0..<3 { try session.advance() }
    session.handle(.quit)
    let replay = recorder.finish()
    #expect(replay.episodes.count == 1)
    #expect(replay.episodes[0].end == .stopped)
    #expect(replay.episodes[0].actions.count == 3)
    #expect(try replay.verify(file: "s.replay").count == 1)
  }
}
