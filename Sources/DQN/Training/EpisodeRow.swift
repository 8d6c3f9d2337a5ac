import Foundation

/// One `metrics.csv` row.
public struct EpisodeRow: Sendable, Equatable {
  public var step: Int
  public var episode: Int
  public var episodeReturn: Double
  public var length: Int
  public var epsilon: Float
  /// Mean loss and max-Q of the updates since the previous row (nil when there were none).
  public var meanLoss: Double?
  public var meanMaxQ: Double?
  /// Seconds since the run started (summed over resumed sessions).
  public var wallTime: Double

  public static let header = "step,episode,return,length,epsilon,loss,max_q,wall_time"

  /// The CSV line; every column but `wall_time` is reproducible bit for bit.
  public var csvLine: String {
    let loss = meanLoss.map { "\($0)" } ?? ""
    let maxQ = meanMaxQ.map { "\($0)" } ?? ""
    return "\(step),\(episode),\(episodeReturn),\(length),\(epsilon),\(loss),\(maxQ),\(String(format: "%.3f", wallTime))"
  }
}
