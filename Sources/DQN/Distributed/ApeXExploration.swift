import Foundation

/// Ape-X's fixed exploration rates: actor `i` of `K` acts with `ε_i = ε^(1 + 7·i/(K − 1))`
/// (ε = 0.4), from 0.4 for the first actor to 0.4⁸ ≈ 0.00066 for the last; one actor gets 0.4.
/// - Paper: D. Horgan et al., "Distributed Prioritized Experience Replay", https://arxiv.org/abs/1803.00933
public enum ApeXExploration {
  public static let base: Float = 0.4

  public static func epsilon(actor: Int, of actors: Int) -> Float {
    precondition(actors >= 1 && (0..<actors).contains(actor), "actor \(actor) of \(actors)")
    guard actors > 1 else { return base }
    return Float(pow(Double(base), 1 + 7 * Double(actor) / Double(actors - 1)))
  }
}
