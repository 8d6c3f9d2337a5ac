import Foundation

/// One `eval.csv` row: a periodic evaluation's summary.
public struct EvaluationRow: Sendable, Equatable {
  public var step: Int
  public var result: EvaluationResult
  /// Seconds since the run started (summed over resumed sessions).
  public var wallTime: Double

  public init(step: Int, result: EvaluationResult, wallTime: Double) {
    self.step = step
    self.result = result
    self.wallTime = wallTime
  }

  public static let header = "step,mean_return,std_return,episodes,wall_time"

  /// The CSV line; every column but `wall_time` is reproducible bit for bit.
  public var csvLine: String {
    "\(step),\(result.mean),\(result.standardDeviation),\(result.episodes),\(String(format: "%.3f", wallTime))"
  }
}
