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
  /// With actors (`--actors K`, `--distributed`): the actor that played the episode, its
  /// environment steps per second and the learner's updates per second in this session.
  public var scaling: Scaling?

  /// The columns a run with actors adds.
  public struct Scaling: Sendable, Equatable {
    public var actor: Int
    public var actorStepsPerSecond: Double
    public var learnerUpdatesPerSecond: Double
  }

  public static let header = "step,episode,return,length,epsilon,loss,max_q,wall_time"
  /// The header of a run with actors.
  public static let scalingHeader = header + ",actor,actor_steps_per_s,learner_updates_per_s"

  /// The CSV line; every column but `wall_time` is reproducible bit for bit.
  public var csvLine: String {
    let loss = meanLoss.map { "\($0)" } ?? ""
    let maxQ = meanMaxQ.map { "\($0)" } ?? ""
    let line = "\(step),\(episode),\(episodeReturn),\(length),\(epsilon),\(loss),\(maxQ),\(String(format: "%.3f", wallTime))"
    guard let scaling else { return line }
    return line + String(format: ",%d,%.1f,%.1f", scaling.actor, scaling.actorStepsPerSecond, scaling.learnerUpdatesPerSecond)
  }
}
