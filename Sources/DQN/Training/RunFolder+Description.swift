import FileIO
import Foundation
import GridGames
import Yams

extension RunFolder {
  /// What `agent.yaml` records.
  public struct Description: Sendable, Equatable {
    public var preset: AgentPreset
    public var environment: EnvironmentDefinition
    public var seed: UInt64
    public var stepsDone: Int
    public var episodesDone: Int
    public var updatesDone: Int
    /// Where the first weights came from and which layers are frozen (`--init-from`, `--freeze`);
    /// nil for runs that started fresh and train every layer.
    public var transfer: TransferRecord?
    /// Environment copies stepped together (`--envs N`); 1 is written as no key.
    public var envs: Int
    /// Actor threads (`--actors K`) or actor ranks' actors (`--distributed`); 0, the single loop,
    /// is written as no key.
    public var actors: Int
    /// Whether each update's batch is split over two threads (`dqn train --threads 2` or more,
    /// `DQNAgent.splitsUpdates`), which gives other bits than one thread: a resumed run keeps it.
    /// Written as `splitUpdates: true`; false is written as no key.
    public var splitUpdates: Bool

    public init(preset: AgentPreset, environment: EnvironmentDefinition, seed: UInt64, stepsDone: Int = 0,
                episodesDone: Int = 0, updatesDone: Int = 0, transfer: TransferRecord? = nil, envs: Int = 1,
                actors: Int = 0, splitUpdates: Bool = false) {
      self.preset = preset
      self.environment = environment
      self.seed = seed
      self.stepsDone = stepsDone
      self.episodesDone = episodesDone
      self.updatesDone = updatesDone
      self.transfer = transfer
      self.envs = envs
      self.actors = actors
      self.splitUpdates = splitUpdates
    }
  }

  /// The text of `agent.yaml`: a comment line, then the run's keys, the transfer record (only
  /// when there is one), the preset and the environment definition as one YAML mapping written
  /// by Yams.
  public static func yaml(for description: Description) throws -> String {
    let environment = try Yams.compose(yaml: try description.environment.yaml()) ?? Node.mapping(Node.Mapping([]))
    var run: [(String, Node)] = [
      ("format", "dqn-agent"), ("version", "1"), ("seed", Node(String(description.seed))),
      ("stepsDone", Node(String(description.stepsDone))), ("episodesDone", Node(String(description.episodesDone))),
      ("updatesDone", Node(String(description.updatesDone))),
    ]
    if description.envs > 1 { run.append(("envs", Node(String(description.envs)))) }
    if description.actors > 0 { run.append(("actors", Node(String(description.actors)))) }
    if description.splitUpdates { run.append(("splitUpdates", "true")) }
    if let transfer = description.transfer { run.append(("transfer", transfer.yamlNode)) }
    run += [("agent", description.preset.yamlNode), ("environment", environment)]
    let text = try Yams.serialize(node: .mapping(Node.Mapping(run.map { (Node($0.0), $0.1) })), width: -1)
    return "# A DQN run: the resolved agent preset and environment. Evaluate with `dqn eval --agent DIR`.\n" + text
  }

  /// Writes `agent.yaml` atomically.
  public func writeDescription(_ description: Description) throws(TrainingError) {
    let text: String
    do {
      text = try Self.yaml(for: description)
    } catch {
      throw .unwritable(file: agentFile.path, detail: "cannot encode it: \(error)")
    }
    do {
      try AtomicFile.write(text, to: agentFile)
    } catch {
      throw .unwritable(file: error.file, detail: error.detail)
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
    let transfer: TransferRecord?
    if let node = mapping["transfer"] {
      transfer = try TransferRecord(node: node, file: file)
    } else {
      transfer = nil
    }
    var envs = 1
    if mapping["envs"] != nil {
      envs = try integer("envs")
      guard envs >= 1 else { throw .corruptRun(file: file, detail: "key 'envs' must be an integer ≥ 1") }
    }
    let actors = mapping["actors"] == nil ? 0 : try integer("actors")
    var splitUpdates = false
    if let node = mapping["splitUpdates"] {
      guard let value = node.bool else {
        throw .corruptRun(file: file, detail: "key 'splitUpdates' must be true or false")
      }
      splitUpdates = value
    }
    return Description(
      preset: preset, environment: environment, seed: seed, stepsDone: try integer("stepsDone"),
      episodesDone: try integer("episodesDone"), updatesDone: try integer("updatesDone"), transfer: transfer,
      envs: envs, actors: actors, splitUpdates: splitUpdates)
  }
}
