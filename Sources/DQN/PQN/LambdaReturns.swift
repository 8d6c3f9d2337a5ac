/// Peng's Q(λ) returns of a rollout, computed backwards in time (what PQN trains on):
///
///     G_t = r_t + γ (1 − d_t) [ (1 − λ) max_a Q(s_{t+1}, a) + λ G_{t+1} ]
///
/// with `G_{T−1}` bootstrapping from `lastValues` alone. An ended episode (`d_t`) cuts both the
/// bootstrap and the chain, so returns never cross into the next episode. λ = 0 gives one-step
/// Q-learning targets, λ = 1 the discounted return to the end of the rollout plus a bootstrap.
///
/// Layout: time-major, `[t · environments + e]`.
/// - Parameters:
///   - rewards, dones: the rollout's `T × E` rewards and episode ends.
///   - maxValues: `max_a Q(s_t, a)` for the observation each step acted on (`T × E`).
///   - lastValues: `max_a Q(s_T, a)` after the last step (`E`).
/// - Returns: the `T × E` returns.
public func lambdaReturns(
  rewards: [Float], dones: [Bool], maxValues: [Float], lastValues: [Float], environments: Int,
  discount: Float, lambda: Float
) -> [Float] {
  let steps = rewards.count / environments
  precondition(
    steps * environments == rewards.count && dones.count == rewards.count && maxValues.count == rewards.count
      && lastValues.count == environments,
    "lambdaReturns needs T × E rewards, dones and values and E last values")
  var returns = [Float](repeating: 0, count: rewards.count)
  for e in 0..<environments {
    var next = lastValues[e]  // G_{t+1}, taken as max Q(s_T) after the last step
    var nextValue = lastValues[e]  // max Q(s_{t+1})
    for t in stride(from: steps - 1, through: 0, by: -1) {
      let i = t * environments + e
      let value: Float
      if dones[i] {
        value = rewards[i]
      } else {
        value = rewards[i] + discount * ((1 - lambda) * nextValue + lambda * next)
      }
      returns[i] = value
      next = value
      nextValue = maxValues[i]
    }
  }
  return returns
}
