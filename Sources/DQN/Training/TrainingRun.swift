import Foundation
import GridGames

/// A training run of either algorithm, as `dqn train` drives it: `Trainer` (DQN) or
/// `PQNTrainer` (PQN), chosen by the preset's `algorithm`.
public protocol TrainingRun: AnyObject {
  var folder: RunFolder { get }
  var preset: AgentPreset { get }
  var state: TrainingState { get }
  /// What opening the run had to say (checkpoints skipped, leftovers removed).
  var notes: [String] { get }
  func train(
    toStep totalSteps: Int, shouldStop: () -> Bool, observer: (TrainingEvent) -> Void
  ) throws(TrainingError) -> TrainingOutcome
}

extension Trainer: TrainingRun {}
extension PQNTrainer: TrainingRun {}

/// Opens runs of either algorithm.
public enum TrainingRuns {
  /// Reopens the run in `url` with the trainer its `agent.yaml` names (`algorithm`).
  public static func resume(_ url: URL) throws(TrainingError) -> any TrainingRun {
    let folder = RunFolder(url)
    if FileManager.default.fileExists(atPath: folder.agentFile.path),
      (try? folder.readDescription())?.preset.algorithm == .pqn
    {
      return try PQNTrainer(resuming: url)
    }
    return try Trainer(resuming: url)
  }
}
