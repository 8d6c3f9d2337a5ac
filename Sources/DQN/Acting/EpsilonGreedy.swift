/// ε-greedy action selection: the one rule the agent, evaluation and the viewer act by.
///
/// One uniform number is drawn for every action, and one more for a random action, so a
/// generator's stream depends only on ε and the draws, never on the Q-values. The greedy action
/// is the first largest Q-value (`Tensor.argmax(row:)`), computed only when it is needed.
public enum EpsilonGreedy {
  /// A uniform random action in `0..<actionCount` with probability `epsilon`, else `greedy()`.
  public static func action<G: RandomNumberGenerator>(
    epsilon: Float, actionCount: Int, using rng: inout G, greedy: () -> Int
  ) -> Int {
    if rng.nextUniform() < epsilon { return rng.nextInt(below: actionCount) }
    return greedy()
  }
}
