import Foundation
import GridGames
import NeuralNetwork

/// Why training, resuming or evaluating stopped with an error a user can act on.
public enum TrainingError: Error, CustomStringConvertible, LocalizedError {
  case preset(PresetError)
  case environment(EnvironmentError)
  case network(NetworkShapeError, file: String)
  case checkpoint(CheckpointError)
  case replay(ReplayFileError)
  /// `--init-from`, `--init-layers` or `--freeze` cannot be done.
  case transfer(TransferError)
  /// The folder is not a run (no readable `agent.yaml`).
  case notARun(directory: String, detail: String)
  /// A run file that is there but cannot be used.
  case corruptRun(file: String, detail: String)
  case unwritable(file: String, detail: String)
  /// The loss became NaN or infinite.
  case nonFiniteLoss(step: Int, loss: Float, lastCheckpoint: String?)
  /// `--resume … --steps N` with N not past the steps already done.
  case nothingToDo(stepsDone: Int, requested: Int)
  /// The transport between actors and the learner failed (a lost rank, a malformed message).
  case transport(TransportError, lastCheckpoint: String?)
  /// The preset needs more memory than the machine has (`presetFile` names where it came from).
  case tooLarge(MemoryError)

  public var description: String {
    switch self {
    case .preset(let error): error.description
    case .environment(let error): error.description
    case .network(let error, let file): "\(file): \(error)"
    case .checkpoint(let error): error.description
    case .replay(let error): error.description
    case .transfer(let error): error.description
    case .notARun(let directory, let detail): "\(directory) is not a training run: \(detail)"
    case .corruptRun(let file, let detail): "\(file): \(detail)"
    case .unwritable(let file, let detail): "cannot write \(file): \(detail)"
    case .nonFiniteLoss(let step, let loss, let lastCheckpoint):
      "the loss became \(loss) at step \(step); training stopped"
        + (lastCheckpoint.map { " (the last good checkpoint, \($0), is untouched)" } ?? " (no checkpoint had been saved yet)")
        + "; try a lower learningRate or maxGradientNorm"
    case .tooLarge(let error): error.description
    case .nothingToDo(let done, let requested):
      "the run has already done \(done) steps; pass --steps above \(done) to continue it (got \(requested))"
    case .transport(let error, let lastCheckpoint):
      "actors and learner lost each other: \(error); training stopped"
        + (lastCheckpoint.map { " (the last checkpoint, \($0), is intact: continue with --resume)" } ?? " (no checkpoint had been saved yet)")
    }
  }

  public var errorDescription: String? { description }
}
