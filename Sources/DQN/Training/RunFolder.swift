import FileIO
import Foundation
import GridGames
import NeuralNetwork
import Yams

/// A run folder's files.
///
/// `agent.yaml` (the resolved preset, environment, seed and counts) and `weights.safetensors`
/// are enough to evaluate or watch an agent; `best.safetensors` holds the best evaluated
/// weights; `checkpoints/step-<step>/` holds the last two checkpoints (`RunCheckpoint`), which
/// make `--resume` exact. Every file is written under a temporary name and renamed into place.
public struct RunFolder: Sendable {
  public let url: URL

  public init(_ url: URL) { self.url = url }

  public var agentFile: URL { url.appendingPathComponent("agent.yaml") }
  public var weightsFile: URL { url.appendingPathComponent("weights.safetensors") }
  public var bestWeightsFile: URL { url.appendingPathComponent("best.safetensors") }
  public var targetFile: URL { url.appendingPathComponent("target.safetensors") }
  public var optimizerFile: URL { url.appendingPathComponent("optimizer.safetensors") }
  public var stateFile: URL { url.appendingPathComponent("state.json") }
  public var replayFile: URL { url.appendingPathComponent("replay.bin") }
  public var metricsFile: URL { url.appendingPathComponent("metrics.csv") }
  public var evalFile: URL { url.appendingPathComponent("eval.csv") }
  public var checkpointsFolder: URL { url.appendingPathComponent("checkpoints") }

  /// The files a run writes that are in the folder now: its own files, event files and the
  /// temporary files of interrupted writes (not anything else).
  private var runFiles: [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
    let own = [agentFile, weightsFile, bestWeightsFile, targetFile, optimizerFile, stateFile, replayFile, metricsFile, evalFile, checkpointsFolder]
    let others = names.filter { $0.hasPrefix("events.out.tfevents.") || ($0.hasPrefix(".") && $0.contains(".tmp-")) }
    return own.filter { FileManager.default.fileExists(atPath: $0.path) } + others.map { url.appendingPathComponent($0) }
  }

  /// Whether the folder holds any file a run writes.
  public var holdsRunFiles: Bool { !runFiles.isEmpty }

  /// Removes the files a run writes (not the folder, nor anything else in it).
  public func removeRunFiles() throws(TrainingError) {
    for file in runFiles {
      do {
        try FileManager.default.removeItem(at: file)
      } catch {
        throw .unwritable(file: file.path, detail: (error as NSError).localizedDescription)
      }
    }
  }

  /// Loads `weights` into `description`'s Q-network and plays `episodes` fresh episodes of its
  /// environment ε-greedily (`Evaluation.run`): what `dqn eval` and `dqn benchmark` report.
  public static func evaluate(
    _ description: Description, weights: URL, episodes: Int, epsilon: Float, seed: UInt64,
    onEpisode: (Int, Double) -> Void = { _, _ in }
  ) throws(TrainingError) -> EvaluationResult {
    let network = try loadNetwork(description, weights: weights)
    let environment: GridEnvironment
    do {
      environment = try description.environment.makeEnvironment()
    } catch {
      throw .environment(error)
    }
    return Evaluation.run(
      network: network, environment: environment, stackDepth: description.environment.observation.frameStack,
      episodes: episodes, epsilon: epsilon, seed: seed, onEpisode: onEpisode)
  }

  /// Opens a run folder for `--resume`: it must hold a checkpoint; returns its description.
  static func checkpointed(_ url: URL) throws(TrainingError) -> (folder: RunFolder, saved: Description) {
    let folder = RunFolder(url)
    guard RunCheckpoint(folder: folder).exists else {
      throw .notARun(
        directory: url.path,
        detail: "it has no checkpoint (shipped agents keep only their weights; a run stopped before its first checkpoint can be started again with the same --out)")
    }
    return (folder, try folder.readDescription())
  }

  /// Makes a Q-network for `description` and loads `weights` into it.
  ///
  /// - Throws: `TrainingError.network` when the preset's network cannot take the environment's
  ///   frames, or `.checkpoint` for a missing, truncated or mismatched weights file.
  public static func loadNetwork(_ description: Description, weights: URL) throws(TrainingError) -> Sequential {
    let shape = description.environment.frameShape
    let stack = description.environment.observation.frameStack
    let network: Sequential
    do {
      network = try QNetworkBuilder.make(
        description.preset.network, dueling: description.preset.dueling,
        inputShape: [stack * shape.channels, shape.height, shape.width],
        actionCount: description.environment.actionNames.count, seed: description.seed)
    } catch {
      throw .network(error, file: weights.path)
    }
    do {
      try network.load(from: weights)
    } catch let error as CheckpointError {
      throw .checkpoint(error)
    } catch {
      throw .corruptRun(file: weights.path, detail: "\(error)")
    }
    return network
  }
}
