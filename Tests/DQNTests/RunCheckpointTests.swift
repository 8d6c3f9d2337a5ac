import Foundation
import Testing
@testable import DQN

@Suite struct RunCheckpointTests {
  /// `state.json` as runs before the agent kept its own counters wrote it.
  static let earlierStateFile = """
    {
      "actionGenerator" : 11, "bestEvalReturn" : 1, "elapsedSeconds" : 0.5, "episode" : 3,
      "episodeActions" : [2, 1], "episodeReturn" : -1, "episodeSeed" : 5, "episodeSeedGenerator" : 7,
      "evalRows" : 1, "lossSum" : 0.25, "maxQSum" : 3.5, "metricsRows" : 3, "recentReturns" : [1, -1, 1],
      "replayGenerator" : 13, "seed" : 42, "step" : 30, "updateCount" : 20, "updatesSinceRow" : 4
    }
    """

  @Test func stateFileKeepsTheKeysEarlierRunsWrote() throws {
    let data = Data(Self.earlierStateFile.utf8)
    let scalars = try JSONDecoder().decode(RunCheckpoint.Scalars.self, from: data)
    #expect(scalars.loop.step == 30 && scalars.loop.episode == 3 && scalars.loop.seed == 42)
    #expect(scalars.loop.episodeSeedGenerator == 7 && scalars.loop.episodeActions == [2, 1])
    #expect(scalars.loop.bestEvalReturn == 1 && scalars.loop.recentReturns == [1, -1, 1])
    #expect(scalars.agent.steps == 30 && scalars.agent.updates == 20)
    #expect(scalars.agent.explorationGenerator == 11 && scalars.agent.samplingGenerator == 13)
    #expect(scalars.agent.statistics.updates == 4 && scalars.agent.statistics.lossSum == 0.25)
    #expect(scalars.agent.statistics.maxQSum == 3.5)
    // Written again: one flat object with the same keys and values.
    let written = try JSONEncoder().encode(scalars)
    let original = try #require(try JSONSerialization.jsonObject(with: data) as? NSDictionary)
    let rewritten = try #require(try JSONSerialization.jsonObject(with: written) as? NSDictionary)
    #expect(rewritten == original)
  }
}
