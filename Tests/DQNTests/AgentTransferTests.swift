import Foundation
import GridGames
import NeuralNetwork
import Testing
@testable import DQN

/// `dqn train --init-from/--init-layers/--freeze`: the agent starts from the source's torso, its
/// target network from the initialised online network, with an empty replay; frozen layers stay
/// bit-identical through training and through `--resume`; `agent.yaml` records it all.
@Suite struct AgentTransferTests {
  static let settings = ["learningStarts=200", "evalInterval=0"]

  static func bytes(_ tensor: Tensor?) -> [UInt32] { tensor?.scalars.map(\.bitPattern) ?? [] }

  /// A short Catch run to take weights from.
  static func sourceRun(in directory: URL) throws -> URL {
    let url = directory.appendingPathComponent("source")
    let trainer = try Trainer(
      newRunAt: url, preset: try TrainerTests.preset("catch", settings), environment: try TrainerTests.definition("catch"), seed: 1)
    _ = try trainer.train(toStep: 700)
    return url
  }

  static func newRun(_ url: URL, seed: UInt64, transfer: NetworkTransfer?) throws -> Trainer {
    try Trainer(
      newRunAt: url, preset: try TrainerTests.preset("catch", settings), environment: try TrainerTests.definition("catch"),
      seed: seed, tensorboard: false, transfer: transfer)
  }

  /// The Q-network a run seeded `seed` starts with when nothing is transferred.
  static func freshNetwork(seed: UInt64) throws -> [String: Tensor] {
    let definition = try TrainerTests.definition("catch")
    let shape = definition.frameShape
    return try QNetworkBuilder.make(
      .minatar, dueling: false, inputShape: [shape.channels, shape.height, shape.width],
      actionCount: definition.actionNames.count, seed: seed
    ).namedTensors
  }

  @Test func aNewRunStartsFromTheSourceTorsoWithAFreshHead() throws {
    BLAS.setThreadCount(1)
    let directory = try TrainerTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let source = try Self.sourceRun(in: directory)
    let sourceFile = source.appendingPathComponent("weights.safetensors").path
    let saved = try SafeTensors.read(URL(fileURLWithPath: sourceFile)).tensors
    let trainer = try Self.newRun(
      directory.appendingPathComponent("target"), seed: 4,
      transfer: NetworkTransfer(source: source.path, copiedLayers: LayerSelection(["torso"])))
    let agent = trainer.agent
    let online = agent.onlineNetwork.namedTensors
    let fresh = try Self.freshNetwork(seed: 4)
    for name in ["conv1.weight", "conv1.bias"] { #expect(Self.bytes(online[name]) == Self.bytes(saved[name]), "\(name)") }
    for name in ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"] {
      #expect(Self.bytes(online[name]) == Self.bytes(fresh[name]), "\(name)")
      #expect(online[name] != saved[name], "\(name) equals the source's")
    }
    #expect(agent.targetNetwork.namedTensors == online)
    #expect(agent.replay.count == 0 && agent.steps == 0 && agent.updates == 0)
    let record = TransferRecord(
      initFrom: sourceFile, initLayers: ["conv1"], copied: ["conv1.weight", "conv1.bias"], frozen: [])
    #expect(trainer.transfer == record)
    #expect(try trainer.folder.readDescription().transfer == record)
    let text = try String(contentsOf: trainer.folder.agentFile, encoding: .utf8)
    #expect(text.contains("transfer:\n  initFrom: \(sourceFile)\n  initLayers: [conv1]\n  copied: [conv1.weight, conv1.bias]\n  frozen: []\n"))
  }

  /// A frozen torso is bit-identical to the source after training and after a resume, and a
  /// resumed run equals an uninterrupted one; the optimizer keeps no state for the torso.
  @Test func aFrozenTorsoStaysFixedThroughTrainingAndResume() throws {
    BLAS.setThreadCount(1)
    let directory = try TrainerTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let source = try Self.sourceRun(in: directory)
    let saved = try SafeTensors.read(source.appendingPathComponent("weights.safetensors")).tensors
    let transfer = NetworkTransfer(source: source.path, frozenLayers: LayerSelection(["torso"]))
    let straight = try Self.newRun(directory.appendingPathComponent("straight"), seed: 5, transfer: transfer)
    let started = straight.agent.onlineNetwork.namedTensors
    _ = try straight.train(toStep: 1_400)

    let split = try Self.newRun(directory.appendingPathComponent("split"), seed: 5, transfer: transfer)
    _ = try split.train(toStep: 700)
    let resumed = try Trainer(resuming: split.folder.url)
    #expect(resumed.agent.onlineNetwork.frozenLayerNames == ["conv1"])
    #expect(resumed.transfer?.frozen == ["conv1"])
    _ = try resumed.train(toStep: 1_400)

    /// The last checkpoint's copy of `file`.
    func checkpointed(_ folder: RunFolder, _ file: String) throws -> URL {
      try #require(RunCheckpoint(folder: folder).generations.first).appendingPathComponent(file)
    }
    for folder in [straight.folder, split.folder] {
      let weights = try SafeTensors.read(folder.weightsFile).tensors
      for name in ["conv1.weight", "conv1.bias"] { #expect(Self.bytes(weights[name]) == Self.bytes(saved[name]), "\(name)") }
      for name in ["fc1.weight", "fc2.weight"] { #expect(weights[name] != started[name], "\(name) did not train") }
      let optimizer = try SafeTensors.read(try checkpointed(folder, "optimizer.safetensors")).tensors.keys
      #expect(!optimizer.contains { $0.hasPrefix("conv1.") })
      #expect(optimizer.contains { $0.hasPrefix("fc1.weight.") })
    }
    #expect(try Data(contentsOf: split.folder.weightsFile) == Data(contentsOf: straight.folder.weightsFile))
    for file in ["target.safetensors", "optimizer.safetensors", "replay.bin"] {
      #expect(try Data(contentsOf: try checkpointed(split.folder, file)) == Data(contentsOf: try checkpointed(straight.folder, file)), "\(file)")
    }
    #expect(try TrainerTests.reproducibleMetrics(split.folder) == TrainerTests.reproducibleMetrics(straight.folder))
  }

  /// `--freeze` without `--init-from` keeps the fresh layers of the seed (random features).
  @Test func freezingWithoutASourceKeepsTheSeedsWeights() throws {
    BLAS.setThreadCount(1)
    let directory = try TrainerTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let trainer = try Self.newRun(
      directory.appendingPathComponent("run"), seed: 6, transfer: NetworkTransfer(frozenLayers: LayerSelection(["fc1"])))
    _ = try trainer.train(toStep: 600)
    let fresh = try Self.freshNetwork(seed: 6)
    let weights = try SafeTensors.read(trainer.folder.weightsFile).tensors
    #expect(Self.bytes(weights["fc1.weight"]) == Self.bytes(fresh["fc1.weight"]))
    #expect(weights["conv1.weight"] != fresh["conv1.weight"] && weights["fc2.weight"] != fresh["fc2.weight"])
    #expect(try trainer.folder.readDescription().transfer == TransferRecord(frozen: ["fc1"]))
  }

  /// `agent.yaml` files without a `transfer` key (every older one) load with no record, and a run
  /// without transfer writes none: its top-level keys are the ones runs have always written.
  @Test func agentFilesWithoutATransferLoadAndStayWithoutOne() throws {
    let trained = TrainerTests.root.appendingPathComponent("Agents/trained")
    let names = try FileManager.default.contentsOfDirectory(atPath: trained.path).filter { !$0.hasPrefix(".") }
    #expect(!names.isEmpty)
    for name in names {
      let folder = RunFolder(trained.appendingPathComponent(name))
      let description = try folder.readDescription()
      #expect(description.transfer == nil)
      let text = try RunFolder.yaml(for: description)
      let keys = text.split(separator: "\n").filter { !$0.hasPrefix(" ") && !$0.hasPrefix("#") && !$0.hasPrefix("-") }
        .compactMap { $0.split(separator: ":").first.map(String.init) }
      #expect(keys == ["format", "version", "seed", "stepsDone", "episodesDone", "updatesDone", "agent", "environment"], "\(name)")
    }
    var description = try RunFolder(trained.appendingPathComponent("breakout")).readDescription()
    description.transfer = TransferRecord(initFrom: "a b/weights.safetensors", initLayers: nil, copied: ["conv1.weight"], frozen: [])
    let directory = try TrainerTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let folder = RunFolder(directory)
    try folder.writeDescription(description)
    #expect(try folder.readDescription() == description)
  }

  @Test func aRecordThatDoesNotFitTheRunIsAnErrorNamingAgentYAML() throws {
    BLAS.setThreadCount(1)
    let directory = try TrainerTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let trainer = try Self.newRun(
      directory.appendingPathComponent("run"), seed: 7, transfer: NetworkTransfer(frozenLayers: LayerSelection(["conv1"])))
    _ = try trainer.train(toStep: 50)
    let file = trainer.folder.agentFile
    let original = try String(contentsOf: file, encoding: .utf8)
    let cases = [
      ("frozen: [conv1]", "frozen: [conv9]", ["agent.yaml", "conv9"]),
      ("frozen: [conv1]", "frozen: 3", ["agent.yaml", "transfer.frozen"]),
      ("frozen: [conv1]", "frozen: [conv1]\n  layers: [x]", ["agent.yaml", "transfer.layers"]),
    ]
    for (old, new, needles) in cases {
      #expect(original.contains(old))
      try original.replacingOccurrences(of: old, with: new).write(to: file, atomically: true, encoding: .utf8)
      do {
        _ = try Trainer(resuming: trainer.folder.url)
        Issue.record("resumed with \(new)")
      } catch {
        for needle in needles { #expect(error.description.contains(needle), "\(error)") }
      }
    }
  }

  @Test func aTransferThatCannotBeDoneLeavesNoRunFolder() throws {
    let directory = try TrainerTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("run")
    do {
      _ = try Self.newRun(url, seed: 1, transfer: NetworkTransfer(source: directory.appendingPathComponent("nothing").path))
      Issue.record("started from a source that does not exist")
    } catch let error as TrainingError {
      guard case .transfer(.notASavedModel) = error else { Issue.record("\(error)"); return }
    }
    #expect(!FileManager.default.fileExists(atPath: url.path))
  }
}
