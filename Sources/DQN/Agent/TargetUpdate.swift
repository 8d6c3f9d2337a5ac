/// How the target network follows the online network.
public enum TargetUpdate: Sendable, Equatable {
  /// A hard copy after every `updates`-th learner update (Mnih et al. 2015).
  case periodic(updates: Int)
  /// `θ' ← (1−τ)θ' + τθ` after every update, with `τ = rate` (Lillicrap et al. 2016).
  case polyak(rate: Float)
}
