import FileIO
import Foundation
import GridGames
import NeuralNetwork
import Yams

/// A run folder's files.
///
/// `agent.yaml` (the resolved preset, environment, seed and counts) and `weights.safetensors`
/// are enough to evaluate or watch an agent; `best.safetensors` holds the best evaluated
/// weights; `target.safetensors`, `optimizer.safetensors`, `state.json` and `replay.bin` make
/// `--resume` exact. Every file is written under a temporary name and renamed into place.
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
