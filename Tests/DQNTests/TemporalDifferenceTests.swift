import NeuralNetwork
import Testing
@testable import DQN

@Suite struct TemporalDifferenceTests {
  @Test func oneStepTargetsWithATerminalRow() {
    // r + γ (1 − terminated) v'.
    let targets = temporalDifferenceTargets(
      rewards: [1, 0, -1], nextValues: [2, 4, 8], terminated: [false, false, true], discount: 0.5)
    #expect(targets == [2, 2, -1])
  }

  @Test func nStepSumStopsAtATerminatedStep() {
    // r0 + γ r1, then terminated: no bootstrap.
    let result = nStepReturn(
      rewards: [1, 2, 4], terminated: [false, true, false], truncated: [false, false, false], steps: 3, discount: 0.5)
    #expect(result == NStepReturn(reward: 2, bootstrapDiscount: 0, bootstrapOffset: 2))
  }

  @Test func nStepSumBootstrapsAfterATruncatedStep() {
    // A time limit is not terminal: bootstrap from the observation after the truncated step.
    let result = nStepReturn(
      rewards: [1, 2, 4], terminated: [false, false, false], truncated: [false, true, false], steps: 3, discount: 0.5)
    #expect(result == NStepReturn(reward: 2, bootstrapDiscount: 0.25, bootstrapOffset: 2))
  }

  @Test func fullNStepSum() {
    let result = nStepReturn(
      rewards: [1, 2, 4], terminated: [false, false, false], truncated: [false, false, false], steps: 3, discount: 0.5)
    #expect(result == NStepReturn(reward: 3, bootstrapDiscount: 0.125, bootstrapOffset: 3))
    let targets = temporalDifferenceTargets(rewards: [result.reward], bootstrapDiscounts: [result.bootstrapDiscount], nextValues: [8])
    #expect(targets == [4])
  }

  @Test func doubleDQNLetsTheOnlineNetworkChooseAndTheTargetEvaluate() {
    let target = Tensor(shape: [2, 3], scalars: [1, 5, 3, 7, 0, 2])
    let online = Tensor(shape: [2, 3], scalars: [0, 1, 9, 0, 4, 1])
    // Plain DQN: max of the target's row.
    #expect(bootstrapValues(targetNext: target, onlineNext: nil) == [5, 7])
    // Double DQN: argmax of the online row (2, then 1), evaluated by the target.
    #expect(bootstrapValues(targetNext: target, onlineNext: online) == [3, 0])
  }
}
