import FileIO
import Foundation
import NeuralNetwork

/// The files that let a run continue exactly, all written and read here: the agent's `state`
/// (`weights.safetensors`, `target.safetensors`, `optimizer.safetensors`, `replay.bin`, and its
/// counters in `state.json`), the loop's `TrainingState` (the rest of `state.json`) and
/// `agent.yaml`; also the evaluated best weights (`best.safetensors`). Each file is written
/// atomically.
public struct RunCheckpoint: Sendable {
  public let folder: RunFolder

  public init(folder: RunFolder) { self.folder = folder }

  /// Writes the agent's and the loop's state, then `agent.yaml`.
  public func save(agent: DQNAgent.State, loop: TrainingState, description: RunFolder.Description) throws(TrainingError) {
    try Self.write(agent.onlineNetwork, metadata: ["step": "\(loop.step)"], to: folder.weightsFile)
    try Self.write(agent.targetNetwork, to: folder.targetFile)
    try Self.write(agent.optimizer, to: folder.optimizerFile)
    do {
      try agent.replay.write(to: folder.replayFile)
    } catch {
      throw .replay(error)
    }
    do {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      try AtomicFile.write(try encoder.encode(Scalars(loop: loop, agent: agent.counters)), to: folder.stateFile)
    } catch let error as FileWriteError {
      throw .unwritable(file: error.file, detail: error.detail)
    } catch {
      throw .unwritable(file: folder.stateFile.path, detail: "\(error)")
    }
    try folder.writeDescription(description)
  }

  /// Restores `agent` (built for this run, untouched) from the checkpoint and returns the loop's
  /// state.
  ///
  /// - Throws: `TrainingError` when a file is missing, truncated or corrupted, or does not fit
  ///   the agent.
  public func restore(into agent: DQNAgent) throws(TrainingError) -> TrainingState {
    guard let data = FileManager.default.contents(atPath: folder.stateFile.path) else {
      throw .notARun(directory: folder.url.path, detail: "it has no state.json, so it cannot be resumed (shipped agents keep only their weights)")
    }
    let scalars: Scalars
    do {
      scalars = try JSONDecoder().decode(Scalars.self, from: data)
    } catch {
      throw .corruptRun(file: folder.stateFile.path, detail: "cannot be read: \(error)")
    }
    let online = try Self.read(folder.weightsFile)
    let target = try Self.read(folder.targetFile)
    let optimizer = try Self.read(folder.optimizerFile)
    let replay = agent.replay.emptyCopy()
    do {
      try replay.read(from: folder.replayFile)
    } catch {
      throw .replay(error)
    }
    do {
      try agent.restore(
        DQNAgent.State(
          onlineNetwork: online, targetNetwork: target, optimizer: optimizer, replay: replay, counters: scalars.agent))
    } catch {
      throw .corruptRun(file: file(of: error.part).path, detail: error.detail)
    }
    return scalars.loop
  }

  /// Writes `network`'s weights to `best.safetensors`, noting the step.
  public func saveBestWeights(of network: Layer, step: Int) throws(TrainingError) {
    try Self.write(network.namedTensors, metadata: ["step": "\(step)"], to: folder.bestWeightsFile)
  }

  private func file(of part: AgentStateError.Part) -> URL {
    switch part {
    case .onlineNetwork: folder.weightsFile
    case .targetNetwork: folder.targetFile
    case .optimizer: folder.optimizerFile
    }
  }

  private static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws(TrainingError) {
    do {
      try SafeTensors.write(tensors, metadata: metadata, to: url)
    } catch let error as CheckpointError {
      throw .checkpoint(error)
    } catch let error as FileWriteError {
      throw .unwritable(file: error.file, detail: error.detail)
    } catch {
      throw .unwritable(file: url.path, detail: "\(error)")
    }
  }

  private static func read(_ url: URL) throws(TrainingError) -> [String: Tensor] {
    do {
      return try SafeTensors.read(url).tensors
    } catch let error as CheckpointError {
      throw .checkpoint(error)
    } catch {
      throw .corruptRun(file: url.path, detail: "\(error)")
    }
  }

  /// `state.json`: the loop's and the agent's scalars side by side in one object (both count
  /// environment steps under `step`).
  struct Scalars: Codable {
    var loop: TrainingState
    var agent: DQNAgent.Counters

    init(loop: TrainingState, agent: DQNAgent.Counters) {
      self.loop = loop
      self.agent = agent
    }

    init(from decoder: any Decoder) throws {
      loop = try TrainingState(from: decoder)
      agent = try DQNAgent.Counters(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
      try loop.encode(to: encoder)
      try agent.encode(to: encoder)
    }
  }
}
