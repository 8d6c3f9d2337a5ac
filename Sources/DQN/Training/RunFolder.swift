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

  /// What `agent.yaml` records.
  public struct Description: Sendable, Equatable {
    public var preset: AgentPreset
    public var environment: EnvironmentDefinition
    public var seed: UInt64
    public var stepsDone: Int
    public var episodesDone: Int
    public var updatesDone: Int

    public init(preset: AgentPreset, environment: EnvironmentDefinition, seed: UInt64, stepsDone: Int = 0,
                episodesDone: Int = 0, updatesDone: Int = 0) {
      self.preset = preset
      self.environment = environment
      self.seed = seed
      self.stepsDone = stepsDone
      self.episodesDone = episodesDone
      self.updatesDone = updatesDone
    }
  }

  /// The text of `agent.yaml`.
  public static func yaml(for description: Description) throws -> String {
    let environment = try description.environment.yaml()
    let indented = environment.split(separator: "\n", omittingEmptySubsequences: false)
      .map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
    let agent = description.preset.yaml.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
    return """
      # A DQN run: the resolved agent preset and environment. Evaluate with `dqn eval --agent DIR`.
      format: dqn-agent
      version: 1
      seed: \(description.seed)
      stepsDone: \(description.stepsDone)
      episodesDone: \(description.episodesDone)
      updatesDone: \(description.updatesDone)
      agent:
      \(agent)
      environment:
      \(indented)
      """
  }

  /// Writes `agent.yaml` atomically.
  public func writeDescription(_ description: Description) throws(TrainingError) {
    do {
      try AtomicFile.write(Data(try Self.yaml(for: description).utf8), to: agentFile)
    } catch let error as CheckpointError {
      throw .checkpoint(error)
    } catch {
      throw .unwritable(file: agentFile.path, detail: "\(error)")
    }
  }

  /// Reads `agent.yaml`.
  ///
  /// - Throws: `TrainingError.notARun` when the folder has no agent file, or the preset's or the
  ///   environment's error naming `agent.yaml` and the key.
  public func readDescription() throws(TrainingError) -> Description {
    let file = agentFile.path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw .notARun(directory: url.path, detail: "no such directory")
    }
    guard let data = FileManager.default.contents(atPath: file) else {
      throw .notARun(directory: url.path, detail: "it has no agent.yaml (a run folder holds agent.yaml and weights.safetensors)")
    }
    let node: Node?
    do {
      node = try Yams.compose(yaml: String(decoding: data, as: UTF8.self))
    } catch {
      throw .corruptRun(file: file, detail: "malformed YAML: \(error)")
    }
    guard let mapping = node?.mapping, mapping["format"]?.string == "dqn-agent" else {
      throw .notARun(directory: url.path, detail: "agent.yaml lacks 'format: dqn-agent'")
    }
    func integer(_ key: String) throws(TrainingError) -> Int {
      guard let value = mapping[key]?.int, value >= 0 else {
        throw .corruptRun(file: file, detail: "key '\(key)' must be an integer ≥ 0")
      }
      return value
    }
    guard let seedText = mapping["seed"]?.string, let seed = UInt64(seedText) else {
      throw .corruptRun(file: file, detail: "key 'seed' must be an integer ≥ 0")
    }
    guard let agentNode = mapping["agent"] else { throw .corruptRun(file: file, detail: "missing key 'agent'") }
    guard let environmentNode = mapping["environment"] else {
      throw .corruptRun(file: file, detail: "missing key 'environment'")
    }
    let preset: AgentPreset
    do {
      preset = try AgentPreset.parse(node: agentNode, file: file)
    } catch {
      throw .preset(error)
    }
    let environmentText: String
    do {
      environmentText = try Yams.serialize(node: environmentNode)
    } catch {
      throw .corruptRun(file: file, detail: "key 'environment': \(error)")
    }
    let environment: EnvironmentDefinition
    do {
      environment = try EnvironmentDefinition.parse(yaml: environmentText, file: file)
    } catch {
      throw .environment(error)
    }
    return Description(
      preset: preset, environment: environment, seed: seed, stepsDone: try integer("stepsDone"),
      episodesDone: try integer("episodesDone"), updatesDone: try integer("updatesDone"))
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
