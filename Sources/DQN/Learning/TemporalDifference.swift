// The learning maths of DQN as pure functions (dqn_zoo's `parts.py`): the agent's update calls
// them, and tests pin them by hand.
import NeuralNetwork

/// TD targets `y = R + d · v`, written into `targets`: the (n-step) reward plus the bootstrap
/// discount (0 for a terminated row, γⁿ otherwise) times the next state's value.
public func temporalDifferenceTargets(
  rewards: [Float], bootstrapDiscounts: [Float], nextValues: [Float], into targets: inout [Float]
) {
  precondition(rewards.count == bootstrapDiscounts.count && rewards.count == nextValues.count,
    "TD targets need equal counts, got \(rewards.count), \(bootstrapDiscounts.count), \(nextValues.count)")
  if targets.count != rewards.count { targets = [Float](repeating: 0, count: rewards.count) }
  for row in 0..<rewards.count {
    targets[row] = rewards[row] + bootstrapDiscounts[row] * nextValues[row]
  }
}

/// `temporalDifferenceTargets(rewards:bootstrapDiscounts:nextValues:into:)` returning a new array.
public func temporalDifferenceTargets(
  rewards: [Float], bootstrapDiscounts: [Float], nextValues: [Float]
) -> [Float] {
  var targets: [Float] = []
  temporalDifferenceTargets(rewards: rewards, bootstrapDiscounts: bootstrapDiscounts, nextValues: nextValues, into: &targets)
  return targets
}

/// One-step TD targets `r + γ · (1 − terminated) · v'` (a truncated row bootstraps, so it is not
/// `terminated` here).
public func temporalDifferenceTargets(
  rewards: [Float], nextValues: [Float], terminated: [Bool], discount: Float
) -> [Float] {
  temporalDifferenceTargets(
    rewards: rewards, bootstrapDiscounts: terminated.map { $0 ? 0 : discount }, nextValues: nextValues)
}

/// The next-state values DQN bootstraps from, written into `values` (N of them).
///
/// Without `onlineNext` this is `max_a Q_target(s', a)`; with it (Double DQN) the online network
/// chooses `a* = argmax_a Q_online(s', a)` and the target network evaluates it: `Q_target(s', a*)`.
/// Ties go to the first action (`Tensor.argmax(row:)`, as when acting).
/// - Parameters:
///   - targetNext: `[N, A]` target-network Q-values of the next observations.
///   - onlineNext: `[N, A]` online-network Q-values of the same observations, or nil.
/// - Paper: H. van Hasselt et al., "Deep RL with Double Q-learning", https://arxiv.org/abs/1509.06461
public func bootstrapValues(targetNext: Tensor, onlineNext: Tensor?, into values: inout [Float]) {
  precondition(targetNext.rank == 2, "bootstrap values need [N, A], got \(targetNext.shape)")
  let rows = targetNext.shape[0]
  let actions = targetNext.shape[1]
  if let onlineNext { precondition(onlineNext.shape == targetNext.shape, "online \(onlineNext.shape) ≠ target \(targetNext.shape)") }
  if values.count != rows { values = [Float](repeating: 0, count: rows) }
  let chooser = onlineNext ?? targetNext
  targetNext.withUnsafeBufferPointer { target in
    for row in 0..<rows {
      values[row] = target[row * actions + chooser.argmax(row: row)]
    }
  }
}

/// `bootstrapValues(targetNext:onlineNext:into:)` returning a new array.
public func bootstrapValues(targetNext: Tensor, onlineNext: Tensor?) -> [Float] {
  var values: [Float] = []
  bootstrapValues(targetNext: targetNext, onlineNext: onlineNext, into: &values)
  return values
}
