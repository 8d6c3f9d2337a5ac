import Foundation

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
