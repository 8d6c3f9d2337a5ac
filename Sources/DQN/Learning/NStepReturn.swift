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
