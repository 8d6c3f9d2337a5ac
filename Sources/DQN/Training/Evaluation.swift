import Foundation
import GridGames
import NeuralNetwork

/// Plays episodes with a Q-network, headless.
public enum Evaluation {
  /// Plays `episodes` episodes ε-greedily (`EpsilonGreedy`) with `network`.
  ///
  /// Episode seeds and ε draws come from `SplitMix64(seed: seed)`, so an evaluation is
  /// reproducible and never touches a training run's generators.
  /// - Parameter onEpisode: called with each finished episode's index and return.
  /// - Parameter shouldStop: asked before every step; when it returns true the episodes finished
  ///   so far are returned (Ctrl-C during a long evaluation).
  public static func run(
    network: Layer, environment: GridEnvironment, stackDepth: Int, episodes: Int, epsilon: Float, seed: UInt64,
    onEpisode: (Int, Double) -> Void = { _, _ in }, shouldStop: () -> Bool = { false }
  ) -> EvaluationResult {
    var environment = environment
    var rng = SplitMix64(seed: seed)
    let actionCount = environment.actionSpace.count
    var stack = ObservationStack(frameShape: environment.frameShape, depth: stackDepth)
    var returns: [Double] = []
    returns.reserveCapacity(min(episodes, 1 << 16))
    for episode in 0..<episodes {
      if shouldStop() { break }
      stack.reset(with: environment.reset(seed: rng.next()))
      var total: Double = 0
      while true {
        let action = EpsilonGreedy.action(epsilon: epsilon, actionCount: actionCount, using: &rng) {
          network(stack.observation).argmax(row: 0)
        }
        let step = environment.step(action)
        total += Double(step.reward)
        if step.isEpisodeOver { break }
        if shouldStop() { return EvaluationResult(returns: returns) }  // an unfinished episode counts for nothing
        stack.push(step.frame)
      }
      returns.append(total)
      onEpisode(episode, total)
    }
    return EvaluationResult(returns: returns)
  }
}
