import Testing
@testable import DQN

/// Known answers for PQN's Q(λ) returns.
@Suite struct LambdaReturnsTests {
  /// One environment, three steps, no episode end: G2 = r2 + γV3, G1 = r1 + γ((1−λ)V2 + λG2), …
  @Test func matchesTheRecursionByHand() {
    let (gamma, lambda): (Float, Float) = (0.9, 0.5)
    let rewards: [Float] = [1, 0, 2]
    let values: [Float] = [10, 4, 6]  // max Q of the observations acted on at t = 0, 1, 2
    let last: Float = 8
    let g2: Float = 2 + gamma * last
    let g1: Float = 0 + gamma * ((1 - lambda) * 6 + lambda * g2)
    let g0: Float = 1 + gamma * ((1 - lambda) * 4 + lambda * g1)
    let returns = lambdaReturns(
      rewards: rewards, dones: [false, false, false], maxValues: values, lastValues: [last], environments: 1,
      discount: gamma, lambda: lambda)
    for (found, expected) in zip(returns, [g0, g1, g2]) { #expect(abs(found - expected) < 1e-5) }
  }

  @Test func lambdaZeroIsOneStepAndOneIsTheDiscountedReturn() {
    let rewards: [Float] = [1, 1, 1]
    let values: [Float] = [5, 5, 5]
    let oneStep = lambdaReturns(
      rewards: rewards, dones: [false, false, false], maxValues: values, lastValues: [5], environments: 1,
      discount: 0.5, lambda: 0)
    #expect(oneStep == [3.5, 3.5, 3.5])
    let monteCarlo = lambdaReturns(
      rewards: rewards, dones: [false, false, false], maxValues: values, lastValues: [8], environments: 1,
      discount: 0.5, lambda: 1)
    let g2: Float = 1 + 0.5 * 8
    let g1: Float = 1 + 0.5 * g2
    let g0: Float = 1 + 0.5 * g1
    #expect(monteCarlo == [g0, g1, g2])
  }

  /// An episode end cuts the bootstrap and the chain; environments (time-major) stay apart.
  @Test func episodeEndsCutTheChainPerEnvironment() {
    // Two environments, two steps: layout [t0e0, t0e1, t1e0, t1e1]. Environment 0 ends at t0.
    let returns = lambdaReturns(
      rewards: [3, 1, 7, 2], dones: [true, false, false, false], maxValues: [100, 100, 100, 4],
      lastValues: [10, 20], environments: 2, discount: 1, lambda: 0.5)
    #expect(returns[0] == 3)  // ended: nothing from the next episode
    #expect(returns[2] == 7 + 10)
    #expect(returns[3] == 2 + 20)
    let expected: Float = 1 + (0.5 * 4 + 0.5 * 22)
    #expect(returns[1] == expected)
  }
}
