/// Sticky actions (Machado et al. 2018), drawn exactly as MinAtar's `Environment.act` draws them:
/// every step takes one `rand()` from the environment's generator, and when it is below
/// `probability` the previous action is repeated instead of the chosen one.
///
/// The draw happens even when `probability` is 0, so that the game's own draws stay in step
/// with the reference for any probability.
///
/// - Paper: M. C. Machado et al., "Revisiting the Arcade Learning Environment", JAIR 61, 2018.
public struct StickyActions: Sendable, Equatable {
  /// The chance of repeating the previous action, in 0...1.
  public var probability: Double
  /// The action applied last (0 at the start of an episode, as in the reference).
  public private(set) var lastAction = 0

  /// - Precondition: `probability` is in 0...1.
  public init(probability: Double) {
    precondition((0...1).contains(probability), "sticky-action probability must be in 0...1, got \(probability)")
    self.probability = probability
  }

  /// Forgets the previous action.
  public mutating func reset() { lastAction = 0 }

  /// The action to apply for the chosen `action`.
  public mutating func resolve(_ action: Int, using random: inout RandomState) -> Int {
    let applied = random.randomSample() < probability ? lastAction : action
    lastAction = applied
    return applied
  }
}
