/// What the training loop reports to its observer (a progress line, a log).
public enum TrainingEvent: Sendable {
  /// An episode ended; `row` is the `metrics.csv` row written for it.
  case episode(EpisodeRow)
  /// A periodic evaluation finished.
  case evaluation(step: Int, result: EvaluationResult, isBest: Bool)
  /// Sent every 100 steps.
  case progress(TrainingProgress)
  /// A checkpoint was written.
  case checkpoint(step: Int)
}

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

/// A snapshot for progress lines.
public struct TrainingProgress: Sendable {
  public var step: Int
  public var totalSteps: Int
  public var episodes: Int
  /// Mean return of the last (up to) 100 episodes, nil before the first ends.
  public var meanReturn: Double?
  public var epsilon: Float
  /// The most recent update's loss, nil before learning starts.
  public var loss: Float?
  /// Seconds in this session and the steps taken in it, for steps/s and the ETA.
  public var sessionSeconds: Double
  public var sessionSteps: Int

  public var stepsPerSecond: Double { sessionSeconds > 0 ? Double(sessionSteps) / sessionSeconds : 0 }
  public var secondsRemaining: Double? {
    let rate = stepsPerSecond
    return rate > 0 ? Double(totalSteps - step) / rate : nil
  }
}

/// How a call to `Trainer.train` ended.
public enum TrainingOutcome: Sendable, Equatable {
  /// Reached the requested step count; the checkpoint is saved.
  case finished
  /// `shouldStop` returned true (Ctrl-C); the checkpoint is saved.
  case interrupted
}
