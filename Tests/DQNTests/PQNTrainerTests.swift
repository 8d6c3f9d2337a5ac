import Foundation
import GridGames
import NeuralNetwork
import Testing
@testable import DQN

@Suite struct PQNTrainerTests {
  static func preset(_ game: String, _ overrides: [String] = []) throws -> AgentPreset {
    var preset = try AgentPreset.resolve("pqn", environment: game, searchDirectory: AgentPresetTests.agentsDirectory)
    try preset.apply(overrides: overrides)
    return preset
  }

  /// Agents/pqn/catch.yaml: 40,960 steps (80 rollouts of 32 × 16) take about 3 s on one core.
  @Test func pqnLearnsCatchInSeconds() throws {
    BLAS.setThreadCount(1)
    let directory = try TrainerTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let definition = try TrainerTests.definition("catch")
    let trainer = try PQNTrainer(
      newRunAt: directory.appendingPathComponent("catch"), preset: try Self.preset("catch"), environment: definition,
      seed: 1)
    let start = ContinuousClock.now
    #expect(try trainer.train(toStep: 40_960) == .finished)
    let seconds = (ContinuousClock.now - start).totalSeconds
    let description = try trainer.folder.readDescription()
    #expect(description.stepsDone == 40_960 && description.preset.algorithm == .pqn)
    #expect(description.updatesDone == 80 * 2 * 4)
    // The final weights, as `dqn eval` loads them, play 100 fresh episodes greedily.
    let network = try RunFolder.loadNetwork(description, weights: trainer.folder.weightsFile)
    let result = Evaluation.run(
      network: network, environment: try definition.makeEnvironment(), stackDepth: 1, episodes: 100, epsilon: 0,
      seed: 99)
    #expect(result.mean >= 0.9, "\(result.summaryLine) after \(seconds) s")
    // eval.csv ends with the final step (what `dqn benchmark` reads).
    let evaluations = try String(contentsOf: trainer.folder.evalFile, encoding: .utf8).split(separator: "\n")
    #expect(evaluations.last?.hasPrefix("40960,") == true)
    #expect(evaluations.count == 1 + 10)
  }

  /// A rollout that cannot fit the machine's memory is refused with the estimate before anything
  /// is allocated (4096 games × 100,000 steps of Breakout's 4×10×10 floats: about 610 GiB).
  @Test func aRolloutTooLargeForTheMachineIsRefused() throws {
    let directory = try TrainerTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let preset = try Self.preset("breakout", ["environments=4096", "rolloutSteps=100000"])
    do {
      _ = try PQNTrainer(
        newRunAt: directory.appendingPathComponent("big"), preset: preset,
        environment: try TrainerTests.definition("breakout"), seed: 1)
      Issue.record("a 610 GiB rollout was accepted")
    } catch {
      guard let training = error as? TrainingError, case .tooLarge(let memory) = training else {
        Issue.record("unexpected error: \(error)")
        return
      }
      #expect(memory.description.contains("rollout of 4096 × 100000 observations"), "\(memory)")
    }
  }

  /// A checkpoint holds the network, the optimizer and the counters (no replay, no target), and
  /// `--resume` continues them: same weights, same counters, logs cut back to the checkpoint.
  @Test func resumeContinuesFromTheCheckpoint() throws {
    BLAS.setThreadCount(1)
    let directory = try TrainerTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("run")
    let preset = try Self.preset("catch", ["checkpointInterval=2048", "evalInterval=2048", "evalEpisodes=5"])
    let first = try PQNTrainer(newRunAt: url, preset: preset, environment: try TrainerTests.definition("catch"), seed: 4)
    #expect(try first.train(toStep: 4096) == .finished)
    let generations = RunCheckpoint(folder: first.folder).generations
    #expect(generations.map(\.lastPathComponent) == ["step-000000004096", "step-000000002048"])
    let files = try FileManager.default.contentsOfDirectory(atPath: generations[0].path).sorted()
    #expect(files == ["manifest.json", "optimizer.safetensors", "state.json", "weights.safetensors"])

    let resumed = try TrainingRuns.resume(url)
    let pqn = try #require(resumed as? PQNTrainer)
    #expect(pqn.state.step == 4096 && pqn.state.episode == first.state.episode)
    #expect(pqn.state.metricsRows == first.state.metricsRows && pqn.state.evalRows == first.state.evalRows)
    #expect(pqn.counters.updates == first.counters.updates && pqn.counters.batches == 8)
    #expect(pqn.network.namedTensors == first.network.namedTensors)
    #expect(try pqn.train(toStep: 6144, shouldStop: { false }, observer: { _ in }) == .finished)
    #expect(pqn.state.step == 6144 && pqn.counters.batches == 12)
    let steps = try String(contentsOf: pqn.folder.evalFile, encoding: .utf8).split(separator: "\n").dropFirst()
      .map { Int($0.split(separator: ",")[0])! }
    #expect(steps == [2048, 4096, 6144])
    let rows = try String(contentsOf: pqn.folder.metricsFile, encoding: .utf8).split(separator: "\n").count - 1
    #expect(rows == pqn.state.metricsRows && rows == pqn.state.episode)
  }

  /// Interrupted at a checkpoint and resumed, a run equals the uninterrupted one: every
  /// `metrics.csv` and `eval.csv` row (but wall time) and the final weights.
  @Test func resumedRunMatchesAnUninterruptedOneBitForBit() throws {
    BLAS.setThreadCount(1)
    let directory = try TrainerTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    // Breakout (4 stacked frames): 8 games' episodes are running at the checkpoint and replayed.
    let preset = try Self.preset("breakout", [
      "environments=8", "rolloutSteps=16", "minibatches=4", "checkpointInterval=512", "evalInterval=512", "evalEpisodes=1",
      "epsilonDecaySteps=2000",
    ])
    let definition = try TrainerTests.definition("breakout")
    let straight = try PQNTrainer(newRunAt: directory.appendingPathComponent("a"), preset: preset, environment: definition, seed: 5)
    _ = try straight.train(toStep: 3072)
    let interrupted = try PQNTrainer(newRunAt: directory.appendingPathComponent("b"), preset: preset, environment: definition, seed: 5)
    var calls = 0
    #expect(try interrupted.train(toStep: 3072, shouldStop: {
      calls += 1
      return calls > 3  // after three rollouts (384 steps): the checkpoint holds running episodes
    }) == .interrupted)
    #expect(interrupted.state.step == 384)
    let resumed = try PQNTrainer(resuming: directory.appendingPathComponent("b"))
    #expect(try resumed.train(toStep: 3072) == .finished)
    #expect(try TrainerTests.reproducibleMetrics(resumed.folder) == (try TrainerTests.reproducibleMetrics(straight.folder)))
    #expect(resumed.state.episode > 0)
    let evaluations = { (folder: RunFolder) throws -> [String] in
      try String(contentsOf: folder.evalFile, encoding: .utf8).split(separator: "\n")
        .map { $0.split(separator: ",").dropLast().joined(separator: ",") }
    }
    #expect(try evaluations(resumed.folder) == (try evaluations(straight.folder)))
    #expect(resumed.network.namedTensors == straight.network.namedTensors)
  }

  /// A damaged newest generation is skipped with a note; the one before is used.
  @Test func aDamagedCheckpointFallsBackToThePreviousOne() throws {
    let directory = try TrainerTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("run")
    let preset = try Self.preset("catch", ["checkpointInterval=512", "evalInterval=0"])
    let first = try PQNTrainer(newRunAt: url, preset: preset, environment: try TrainerTests.definition("catch"), seed: 2)
    _ = try first.train(toStep: 1024)
    let newest = RunCheckpoint(folder: first.folder).generations[0].appendingPathComponent("optimizer.safetensors")
    try Data([1, 2, 3]).write(to: newest)
    let resumed = try PQNTrainer(resuming: url)
    #expect(resumed.state.step == 512)
    #expect(resumed.notes.contains { $0.contains("skipped the checkpoint step-000000001024") })
  }
}
