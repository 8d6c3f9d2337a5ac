import Foundation
import GridGames
import NeuralNetwork
import Testing
@testable import DQN

@Suite struct TrainerTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static func definition(_ name: String) throws -> EnvironmentDefinition {
    try EnvironmentDefinition.resolve(name, searchDirectory: root.appendingPathComponent("Environments"))
  }

  static func preset(_ name: String, _ overrides: [String] = []) throws -> AgentPreset {
    var preset = try AgentPreset.resolve(name, searchDirectory: root.appendingPathComponent("Agents"))
    try preset.apply(overrides: overrides)
    return preset
  }

  static func scratch() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("dqn-trainer-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// `metrics.csv` without its wall-clock column.
  static func reproducibleMetrics(_ folder: RunFolder) throws -> [String] {
    try String(contentsOf: folder.metricsFile, encoding: .utf8).split(separator: "\n")
      .map { $0.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",") }
  }

  /// The README's first command: the Catch preset's CNN learns from pixels within 10,000 steps.
  @Test func catchIsLearnedWithinTenThousandSteps() throws {
    BLAS.setThreadCount(1)
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let trainer = try Trainer(
      newRunAt: directory.appendingPathComponent("catch"), preset: try Self.preset("catch"),
      environment: try Self.definition("catch"), seed: 1)
    #expect(trainer.preset.network == .minatar)
    #expect(try trainer.train(toStep: 10_000) == .finished)
    let description = try trainer.folder.readDescription()
    #expect(description.stepsDone == 10_000)
    let network = try RunFolder.loadNetwork(description, weights: trainer.folder.bestWeightsFile)
    let result = Evaluation.run(
      network: network, environment: try Self.definition("catch").makeEnvironment(), stackDepth: 1,
      episodes: 100, epsilon: 0.01, seed: 12)
    #expect(result.mean >= 0.95, "\(result.summaryLine)")
  }

  @Test func resumedRunMatchesAnUninterruptedOneBitForBit() throws {
    BLAS.setThreadCount(1)
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    // Prioritized replay, n-step and dueling: every piece of state must round-trip.
    let preset = try Self.preset(
      "catch", ["learningStarts=200", "evalInterval=500", "evalEpisodes=5", "prioritized=true", "nStep=3", "dueling=true"])
    let definition = try Self.definition("catch")
    let straight = try Trainer(newRunAt: directory.appendingPathComponent("a"), preset: preset, environment: definition, seed: 3)
    _ = try straight.train(toStep: 3_000)

    let first = try Trainer(newRunAt: directory.appendingPathComponent("b"), preset: preset, environment: definition, seed: 3)
    _ = try first.train(toStep: 1_500)
    // Extended with --resume … --steps 3000.
    _ = try Trainer(resuming: first.folder.url).train(toStep: 2_200)
    // Interrupted mid-episode (Ctrl-C) and resumed.
    var calls = 0
    let interrupted = try Trainer(resuming: first.folder.url)
    #expect(try interrupted.train(toStep: 3_000, shouldStop: { calls += 1; return calls > 305 }) == .interrupted)
    #expect(interrupted.state.step > 2_200 && interrupted.state.step < 3_000)
    #expect(!interrupted.state.episodeActions.isEmpty)
    _ = try Trainer(resuming: first.folder.url).train(toStep: 3_000)

    let expected = try Self.reproducibleMetrics(straight.folder)
    #expect(expected.count > 300)
    #expect(try Self.reproducibleMetrics(first.folder) == expected)
    #expect(try Data(contentsOf: first.folder.weightsFile) == Data(contentsOf: straight.folder.weightsFile))
    let firstCheckpoint = try #require(RunCheckpoint(folder: first.folder).generations.first)
    let straightCheckpoint = try #require(RunCheckpoint(folder: straight.folder).generations.first)
    #expect(firstCheckpoint.lastPathComponent == "step-000000003000")
    for file in ["optimizer.safetensors", "target.safetensors", "replay.bin"] {
      #expect(try Data(contentsOf: firstCheckpoint.appendingPathComponent(file))
        == Data(contentsOf: straightCheckpoint.appendingPathComponent(file)), "\(file)")
    }
  }

  @Test func nonFiniteLossStopsAndLeavesTheLastCheckpoint() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let preset = try Self.preset(
      "catch", ["network=small", "optimizer=sgd", "learningRate=1e30", "maxGradientNorm=0", "learningStarts=120", "checkpointInterval=50",
                "evalInterval=0"])
    let trainer = try Trainer(newRunAt: directory.appendingPathComponent("nan"), preset: preset, environment: try Self.definition("catch"), seed: 1)
    do {
      _ = try trainer.train(toStep: 5_000)
      Issue.record("training went on with an exploding loss")
    } catch {
      guard case .nonFiniteLoss(let step, _, let checkpoint) = error else { Issue.record("\(error)"); return }
      #expect(step > 120 && step < 5_000)
      #expect(checkpoint != nil)
      #expect(error.description.contains("step \(step)"))
    }
    let saved = try trainer.folder.readDescription()
    #expect(saved.stepsDone > 0 && saved.stepsDone % 50 == 0)
    let network = try RunFolder.loadNetwork(saved, weights: trainer.folder.weightsFile)
    #expect(network.parameters.allSatisfy { $0.value.isFinite })
  }

  @Test func resumeRefusesFoldersThatAreNotRunsOrDoNotFit() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    #expect(throws: TrainingError.self) { try Trainer(resuming: directory) }
    let trainer = try Trainer(
      newRunAt: directory.appendingPathComponent("run"), preset: try Self.preset("catch", ["evalInterval=0"]),
      environment: try Self.definition("catch"), seed: 1)
    _ = try trainer.train(toStep: 100)
    // A new run refuses a folder that already holds one.
    #expect(throws: TrainingError.self) {
      try Trainer(newRunAt: trainer.folder.url, preset: AgentPreset(), environment: try Self.definition("catch"), seed: 1)
    }
    let agentFile = trainer.folder.agentFile
    let original = try String(contentsOf: agentFile, encoding: .utf8)
    // A network that no longer matches the saved weights.
    try original.replacingOccurrences(of: "network: minatar", with: "network: small").write(to: agentFile, atomically: true, encoding: .utf8)
    do {
      _ = try Trainer(resuming: trainer.folder.url)
      Issue.record("resumed with the wrong network")
    } catch {
      #expect(error.description.contains("weights.safetensors"))
    }
    // A network that cannot take the environment's frames.
    try original.replacingOccurrences(of: "network: minatar", with: "network: nature").write(to: agentFile, atomically: true, encoding: .utf8)
    do {
      _ = try Trainer(resuming: trainer.folder.url)
      Issue.record("resumed with a network that does not fit")
    } catch {
      #expect(error.description.contains("nature") && error.description.contains("agent.yaml"))
    }
    // A truncated weights file in the only checkpoint.
    try original.write(to: agentFile, atomically: true, encoding: .utf8)
    let checkpointWeights = try #require(RunCheckpoint(folder: trainer.folder).generations.first)
      .appendingPathComponent("weights.safetensors")
    let weights = try Data(contentsOf: checkpointWeights)
    try weights.prefix(weights.count / 2).write(to: checkpointWeights)
    do {
      _ = try Trainer(resuming: trainer.folder.url)
      Issue.record("resumed from truncated weights")
    } catch {
      #expect(error.description.contains("weights.safetensors") && error.description.contains("no complete checkpoint"), "\(error)")
    }
  }

  @Test func shippedAgentsLoadWithoutTheirReplayBuffer() throws {
    let trained = Self.root.appendingPathComponent("Agents/trained")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: trained.path)) ?? []
    for name in names where !name.hasPrefix(".") {
      let folder = RunFolder(trained.appendingPathComponent(name))
      #expect(!FileManager.default.fileExists(atPath: folder.replayFile.path), "\(name) ships its replay buffer")
      let description = try folder.readDescription()
      _ = try RunFolder.loadNetwork(description, weights: folder.weightsFile)
    }
  }
}
