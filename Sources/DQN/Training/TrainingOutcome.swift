/// How a call to `Trainer.train` ended.
public enum TrainingOutcome: Sendable, Equatable {
  /// Reached the requested step count; the checkpoint is saved.
  case finished
  /// `shouldStop` returned true (Ctrl-C); the checkpoint is saved.
  case interrupted
}
