import DQN
import Foundation
import GridGames
import NeuralNetwork

/// A trained agent loaded from a run folder (`agent.yaml` + `weights.safetensors`), for
/// watching and recording.
public final class TrainedAgent {
  /// The run folder.
  public let folder: URL
  /// What `agent.yaml` records: the preset, the environment it was trained on, the seed.
  public let description: RunFolder.Description
  /// The online Q-network with the run's weights.
  public let network: Sequential

  /// The weights file loaded (`best.safetensors` or `weights.safetensors`).
  public let weightsFile: URL

  /// Loads the run in `folder`.
  ///
  /// - Parameter preferBest: load `best.safetensors` (the best evaluated weights) when the run
  ///   has it, as `dqn eval` does; otherwise `weights.safetensors` (the latest).
  /// - Throws: `ViewerError.agent` when the folder is not a run, or its weights are missing,
  ///   truncated or do not fit its network.
  public init(folder: URL, preferBest: Bool = true) throws(ViewerError) {
    let run = RunFolder(folder)
    do {
      description = try run.readDescription()
    } catch {
      throw .agent(error)
    }
    let best = FileManager.default.fileExists(atPath: run.bestWeightsFile.path)
    let file = preferBest && best ? run.bestWeightsFile : run.weightsFile
    guard FileManager.default.fileExists(atPath: file.path) else {
      throw .agent(.notARun(directory: folder.path, detail: "it has no weights.safetensors (has training saved a checkpoint yet?)"))
    }
    do {
      network = try RunFolder.loadNetwork(description, weights: file)
    } catch {
      throw .agent(error)
    }
    self.folder = folder
    weightsFile = file
  }

  /// The folder's name, for titles ("catch-20240101-120000").
  public var name: String { folder.standardizedFileURL.lastPathComponent }

  /// The environment the agent was trained on.
  public var environment: EnvironmentDefinition { description.environment }

  /// Throws unless the network takes `definition`'s observations and has one output per action.
  public func checkFits(_ definition: EnvironmentDefinition) throws(ViewerError) {
    let trained = description.environment
    func summary(_ environment: EnvironmentDefinition) -> String {
      "\(environment.observation.frameStack) × \(environment.frameShape) frames and \(environment.actionNames.count) actions"
    }
    if trained.frameShape != definition.frameShape || trained.observation.frameStack != definition.observation.frameStack
      || trained.actionNames.count != definition.actionNames.count
    {
      throw .agentDoesNotFit(
        agent: folder.path, environment: definition.name,
        detail: "its network takes \(summary(trained)) ('\(trained.name)'), but '\(definition.name)' gives \(summary(definition))")
    }
  }

  /// The Q-values of `observation` (`[1, k·C, H, W]`): `[1, A]`.
  public func qValues(_ observation: Tensor) -> Tensor {
    network(observation)
  }
}
