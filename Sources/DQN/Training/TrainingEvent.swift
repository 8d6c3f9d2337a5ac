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
