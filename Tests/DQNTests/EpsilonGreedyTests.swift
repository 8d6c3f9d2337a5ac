import NeuralNetwork
import Testing
@testable import DQN

@Suite struct EpsilonGreedyTests {
  @Test func greedyDecisionsDrawOneNumberAndAskForTheArgmax() {
    var rng = SplitMix64(seed: 4)
    var reference = SplitMix64(seed: 4)
    var asked = 0
    for _ in 0..<20 {
      let action = EpsilonGreedy.action(epsilon: 0, actionCount: 5, using: &rng) {
        asked += 1
        return 3
      }
      _ = reference.next()
      #expect(action == 3)
    }
    #expect(asked == 20)
    #expect(rng == reference)
  }

  @Test func randomDecisionsDrawTwoNumbersAndNeverComputeTheArgmax() {
    var rng = SplitMix64(seed: 5)
    var reference = SplitMix64(seed: 5)
    var seen = Set<Int>()
    for _ in 0..<200 {
      let action = EpsilonGreedy.action(epsilon: 1, actionCount: 4, using: &rng) {
        Issue.record("computed the greedy action for a random one")
        return 0
      }
      _ = reference.next()
      #expect(action == reference.nextInt(below: 4))
      seen.insert(action)
    }
    #expect(seen == [0, 1, 2, 3])
    #expect(rng == reference)
  }
}
