import Testing
@testable import DQN

@Suite struct EvaluationResultTests {
  @Test func summarisesWithThePopulationStandardDeviation() {
    let result = EvaluationResult(returns: [1, 1, 1, -1])
    #expect(result.mean == 0.5)
    #expect(abs(result.standardDeviation - 0.75.squareRoot()) < 1e-12)
    #expect(result.summaryLine == "mean_return: 0.50 std: 0.87 episodes: 4")
  }
}
