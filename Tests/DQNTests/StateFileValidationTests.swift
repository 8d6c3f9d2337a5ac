import Foundation
import GridGames
import NeuralNetwork
import Testing
@testable import DQN

/// A checkpoint's `state.json` is checked before anything is restored: each impossible value is
/// refused naming the field and its allowed range (these resumed, or trapped while replaying the
/// episode, before the checks).
@Suite struct StateFileValidationTests {
  static func state(_ change: (inout TrainingState, inout DQNAgent.Counters) -> Void) throws -> Data {
    var loop = TrainingState(seed: 3)
    loop.step = 120
    loop.episode = 9
    loop.episodeActions = [0, 2, 1]
    loop.metricsRows = 9
    loop.recentReturns = [1, -1]
    var agent = DQNAgent.Counters(
      steps: 120, updates: 15, explorationGenerator: 1, samplingGenerator: 2, statistics: LearningStatistics())
    change(&loop, &agent)
    return try JSONEncoder().encode(RunCheckpoint.Scalars(loop: loop, agent: agent))
  }

  static func error(_ data: Data) -> String? {
    do {
      _ = try RunCheckpoint.decodeState(data, file: "state.json", actionCount: 3, maxEpisodeSteps: 50)
      return nil
    } catch {
      return error.description
    }
  }

  @Test func impossibleValuesAreRefusedNamingTheField() throws {
    #expect(Self.error(try Self.state { _, _ in }) == nil)
    let cases: [(String, (inout TrainingState, inout DQNAgent.Counters) -> Void, String)] = [
      ("step -100", { loop, agent in loop.step = -100; agent.steps = -100 }, "step is -100, allowed ≥ 0"),
      ("negative episodes", { loop, _ in loop.episode = -1 }, "episode is -1, allowed 0...120"),
      ("more episodes than steps", { loop, _ in loop.episode = 121 }, "episode is 121"),
      ("negative updates", { _, agent in agent.updates = -5 }, "updateCount is -5"),
      ("negative rows", { loop, _ in loop.metricsRows = -1 }, "metricsRows is -1"),
      ("negative eval rows", { loop, _ in loop.evalRows = Int.min }, "evalRows is"),
      ("action out of range", { loop, _ in loop.episodeActions = [0, 3] }, "episodeActions[1] is 3, allowed 0..<3"),
      ("negative action", { loop, _ in loop.episodeActions = [-1] }, "episodeActions[0] is -1"),
      ("actions beyond the steps", { loop, agent in loop.step = 2; agent.steps = 2; loop.episode = 0; loop.episodeActions = [0, 0, 0] }, "more than the 2 steps"),
      ("actions beyond the time limit", { loop, _ in loop.episodeActions = Array(repeating: 1, count: 50) }, "episodes end after 50 steps"),
      ("too many recent returns", { loop, _ in loop.recentReturns = Array(repeating: 0, count: 101) }, "recentReturns"),
      ("negative time", { loop, _ in loop.elapsedSeconds = -1 }, "elapsedSeconds is -1.0"),
      ("event file outside the run", { loop, _ in loop.events = EventFilePosition(file: "../../etc/passwd", bytes: 0) }, "must be a file name"),
      ("negative event length", { loop, _ in loop.events = EventFilePosition(file: "events.out", bytes: -3) }, "events.bytes is -3"),
    ]
    for (name, change, detail) in cases {
      let message = Self.error(try Self.state(change))
      #expect(message?.contains(detail) == true && message?.hasPrefix("state.json: ") == true, "\(name): \(message ?? "accepted")")
    }
    // JSON has no NaN or infinity: such numbers, a field of the wrong type, or no JSON at all.
    let text = String(decoding: try Self.state { _, _ in }, as: UTF8.self)
    for bad in ["NaN", "1e999", "-1e999"] {
      let damaged = text.replacingOccurrences(of: #""episodeReturn":0"#, with: #""episodeReturn":\#(bad)"#)
      #expect(damaged != text)
      #expect(Self.error(Data(damaged.utf8))?.contains("cannot be read") == true, "\(bad)")
    }
    #expect(Self.error(Data("{".utf8))?.contains("cannot be read") == true)
    #expect(Self.error(Data(#"{"step": "ten"}"#.utf8))?.contains("cannot be read") == true)
  }
}
