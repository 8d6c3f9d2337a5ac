// The learning maths of DQN as pure functions (dqn_zoo's `parts.py`), so tests pin them by hand.
import NeuralNetwork

/// One n-step return read from stored transitions.
public struct NStepReturn: Sendable, Equatable {
  /// `Σ_k γᵏ r_{t+k}` over the steps taken.
  public var reward: Float
  /// `γⁿ` for the steps taken, or 0 when the episode terminated (no bootstrap).
  public var bootstrapDiscount: Float
  /// How many steps after `t` the bootstrap observation lies (1...n).
  public var bootstrapOffset: Int

  public init(reward: Float, bootstrapDiscount: Float, bootstrapOffset: Int) {
    self.reward = reward
    self.bootstrapDiscount = bootstrapDiscount
    self.bootstrapOffset = bootstrapOffset
  }
}

/// The n-step return from step `t`, stopping at the episode's end.
///
/// `transition(k)` gives step `t + k`'s reward and whether that step terminated or truncated the
/// episode. A terminated step ends the sum with no bootstrap; a truncated step ends it and
/// bootstraps from the observation after it (a time limit is not a terminal state of the MDP).
///
/// - Parameters:
///   - steps: n ≥ 1.
///   - discount: γ.
@inlinable
public func nStepReturn(
  steps: Int, discount: Float, transition: (Int) -> (reward: Float, terminated: Bool, truncated: Bool)
) -> NStepReturn {
  precondition(steps >= 1, "n-step returns need n ≥ 1, got \(steps)")
  var total: Float = 0
  var scale: Float = 1
  for k in 0..<steps {
    let (reward, terminated, truncated) = transition(k)
    total += scale * reward
    scale *= discount
    if terminated { return NStepReturn(reward: total, bootstrapDiscount: 0, bootstrapOffset: k + 1) }
    if truncated { return NStepReturn(reward: total, bootstrapDiscount: scale, bootstrapOffset: k + 1) }
  }
  return NStepReturn(reward: total, bootstrapDiscount: scale, bootstrapOffset: steps)
}

/// `nStepReturn` over arrays of the next steps' rewards and flags (at least `steps` of them, or up
/// to the episode's end).
public func nStepReturn(
  rewards: [Float], terminated: [Bool], truncated: [Bool], steps: Int, discount: Float
) -> NStepReturn {
  nStepReturn(steps: min(steps, rewards.count), discount: discount) { k in
    (rewards[k], terminated[k], truncated[k])
  }
}

/// TD targets `y = R + d · v`: the (n-step) reward plus the bootstrap discount (0 for a
/// terminated row, γⁿ otherwise) times the next state's value.
public func temporalDifferenceTargets(
  rewards: [Float], bootstrapDiscounts: [Float], nextValues: [Float]
) -> [Float] {
  precondition(rewards.count == bootstrapDiscounts.count && rewards.count == nextValues.count,
    "TD targets need equal counts, got \(rewards.count), \(bootstrapDiscounts.count), \(nextValues.count)")
  return (0..<rewards.count).map { rewards[$0] + bootstrapDiscounts[$0] * nextValues[$0] }
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
  targetNext.withUnsafeBufferPointer { target in
    for row in 0..<rows {
      let base = row * actions
      var chosen = 0
      if let onlineNext {
        onlineNext.withUnsafeBufferPointer { online in
          var best = online[base]
          for a in 1..<max(actions, 1) where online[base + a] > best {
            best = online[base + a]
            chosen = a
          }
        }
      } else {
        var best = target[base]
        for a in 1..<max(actions, 1) where target[base + a] > best {
          best = target[base + a]
          chosen = a
        }
      }
      values[row] = target[base + chosen]
    }
  }
}

/// `bootstrapValues` returning a new array.
public func bootstrapValues(targetNext: Tensor, onlineNext: Tensor?) -> [Float] {
  var values: [Float] = []
  bootstrapValues(targetNext: targetNext, onlineNext: onlineNext, into: &values)
  return values
}
