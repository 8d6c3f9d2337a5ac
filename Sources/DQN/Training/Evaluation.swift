import Foundation
import GridGames
import NeuralNetwork

/// The returns of evaluation episodes and their summary.
public struct EvaluationResult: Sendable, Equatable {
  public var returns: [Double]

  public init(returns: [Double]) { self.returns = returns }

  public var episodes: Int { returns.count }
  public var mean: Double { returns.isEmpty ? 0 : returns.reduce(0, +) / Double(returns.count) }
  /// The population standard deviation (numpy's `std`).
  public var standardDeviation: Double {
    guard !returns.isEmpty else { return 0 }
    let mean = mean
    return (returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count)).squareRoot()
  }

  /// `mean_return: 0.98 std: 0.14 episodes: 100`.
  public var summaryLine: String {
    String(format: "mean_return: %.2f std: %.2f episodes: %d", mean, standardDeviation, episodes)
  }
}

/// Plays episodes with a Q-network, headless.
public enum Evaluation {
  /// Plays `episodes` episodes ε-greedily with `network`.
  ///
  /// Episode seeds and ε draws come from `SplitMix64(seed: seed)`, so an evaluation is
  /// reproducible and never touches a training run's generators.
  /// - Parameter onEpisode: called with each finished episode's index and return.
  public static func run(
    network: Layer, environment: GridEnvironment, stackDepth: Int, episodes: Int, epsilon: Float, seed: UInt64,
    onEpisode: (Int, Double) -> Void = { _, _ in }
  ) -> EvaluationResult {
    var environment = environment
    var rng = SplitMix64(seed: seed)
    let actionCount = environment.actionSpace.count
    var stack = ObservationStack(frameShape: environment.frameShape, depth: stackDepth)
    var returns: [Double] = []
    returns.reserveCapacity(episodes)
    for episode in 0..<episodes {
      stack.reset(with: environment.reset(seed: rng.next()))
      var total: Double = 0
      while true {
        let action: Int
        if rng.nextUniform() < epsilon {
          action = rng.nextInt(below: actionCount)
        } else {
          action = greedyAction(network(stack.observation))
        }
        let step = environment.step(action)
        total += Double(step.reward)
        if step.isEpisodeOver { break }
        stack.push(step.frame)
      }
      returns.append(total)
      onEpisode(episode, total)
    }
    return EvaluationResult(returns: returns)
  }

  /// The index of the largest of `q`'s first row (`[1, A]`).
  public static func greedyAction(_ q: Tensor) -> Int {
    let actions = q.shape.last ?? 1
    return q.withUnsafeBufferPointer { values in
      var best = 0
      for a in 1..<max(actions, 1) where values[a] > values[best] { best = a }
      return best
    }
  }
}
