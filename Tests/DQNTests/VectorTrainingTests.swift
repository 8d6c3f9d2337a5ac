import FileIO
import Foundation
import GridGames
import NeuralNetwork
import Testing
@testable import DQN

/// `dqn train --envs N`: N copies stepped together, one batched forward pass per step.
@Suite struct VectorTrainingTests {
  /// A single copy is the loop as it was before `--envs` existed, bit for bit. The checksums are
  /// CRC-32C of the files that main's code at 80bf995 (before `--envs`) wrote for
  /// `dqn train --env catch --steps 3000 --seed 7 --no-tensorboard [--set …]`, the second with
  /// prioritized replay, 3-step returns and a dueling head.
  @Test(arguments: [
    ([String](), UInt32(0x9b95_73b0), UInt32(0x6a8b_9d1e)),
    (["prioritized=true", "nStep=3", "dueling=true", "learningStarts=200", "evalInterval=1000", "evalEpisodes=5"],
     UInt32(0xfaa2_6b3e), UInt32(0x4e2e_0efb)),
  ])
  ///
  /// The reference ran CKernels' products (AVX2 and AVX-512 give the same bits). On a processor
  /// without AVX2 the layers take OpenBLAS's products, another order of additions, so there the
  /// test checks what it can: two runs give the same files.
  func oneCopyEqualsTheLoopBeforeEnvs(overrides: [String], weights: UInt32, replay: UInt32) throws {
    BLAS.setThreadCount(1)
    let directory = try TrainerTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    func run(_ name: String) throws -> (weights: UInt32, replay: UInt32) {
      let trainer = try Trainer(
        newRunAt: directory.appendingPathComponent(name), preset: try TrainerTests.preset("catch", overrides),
        environment: try TrainerTests.definition("catch"), seed: 7, tensorboard: false, envs: 1)
      _ = try trainer.train(toStep: 3_000)
      let checkpoint = try #require(RunCheckpoint(folder: trainer.folder).generations.first)
      // replay.bin is now version 2: version 1's bytes under a new magic, then a CRC-32C. Rebuild
      // the version-1 file the reference was taken from.
      let file = try Data(contentsOf: checkpoint.appendingPathComponent("replay.bin"))
      let magic = Data("DQNREPLAY2\n\0".utf8)
      #expect(file.prefix(magic.count) == magic)
      let versionOne = Data("DQNREPLAY1\n\0".utf8) + file.dropFirst(magic.count).dropLast(4)
      return (
        try CRC32C.checksum(ofFileAt: trainer.folder.weightsFile).checksum,
        versionOne.withUnsafeBytes { CRC32C.extend(0, with: $0) }
      )
    }
    let first = try run("one")
    if InstructionLevel.detected >= .avx2 {
      #expect(first.weights == weights)
      #expect(first.replay == replay)
    } else {
      let second = try run("two")
      #expect(first.weights == second.weights && first.replay == second.replay)
    }
  }

  /// The test: `--envs 8` on catch learns to a mean return ≥ 0.9.
  @Test func eightCopiesLearnCatch() throws {
    BLAS.setThreadCount(1)
    let directory = try TrainerTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let trainer = try Trainer(
      newRunAt: directory.appendingPathComponent("eight"), preset: try TrainerTests.preset("catch", ["evalEpisodes=20"]),
      environment: try TrainerTests.definition("catch"), seed: 1, tensorboard: false, envs: 8)
    #expect(try trainer.train(toStep: 8_000) == .finished)
    #expect(trainer.state.step == 8_000)
    #expect(trainer.agent.replay.streams == 8)
    let description = try trainer.folder.readDescription()
    #expect(description.envs == 8)
    let network = try RunFolder.loadNetwork(description, weights: trainer.folder.bestWeightsFile)
    let result = Evaluation.run(
      network: network, environment: try TrainerTests.definition("catch").makeEnvironment(), stackDepth: 1,
      episodes: 100, epsilon: 0.01, seed: 12)
    #expect(result.mean >= 0.9, "\(result.summaryLine)")
  }

  /// Checkpoint and `--resume` with N copies: every copy's episode is rebuilt, so the resumed run
  /// equals the uninterrupted one bit for bit.
  @Test func resumedRunWithFourCopiesMatchesAnUninterruptedOne() throws {
    BLAS.setThreadCount(1)
    let directory = try TrainerTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let preset = try TrainerTests.preset(
      "breakout", ["learningStarts=200", "evalInterval=400", "evalEpisodes=2", "prioritized=true", "nStep=3",
                   "bufferSize=2000", "batchSize=8", "trainFrequency=4"])
    let definition = try TrainerTests.definition("breakout")
    let straight = try Trainer(
      newRunAt: directory.appendingPathComponent("a"), preset: preset, environment: definition, seed: 3, envs: 4)
    _ = try straight.train(toStep: 1_200)
    let first = try Trainer(
      newRunAt: directory.appendingPathComponent("b"), preset: preset, environment: definition, seed: 3, envs: 4)
    _ = try first.train(toStep: 600)
    #expect(first.state.otherEpisodes?.count == 3)
    let resumed = try Trainer(resuming: first.folder.url)
    #expect(resumed.envs == 4)
    _ = try resumed.train(toStep: 1_200)
    #expect(try TrainerTests.reproducibleMetrics(first.folder) == TrainerTests.reproducibleMetrics(straight.folder))
    #expect(try Data(contentsOf: first.folder.weightsFile) == Data(contentsOf: straight.folder.weightsFile))
    let a = try #require(RunCheckpoint(folder: first.folder).generations.first)
    let b = try #require(RunCheckpoint(folder: straight.folder).generations.first)
    for file in ["optimizer.safetensors", "target.safetensors", "replay.bin"] {
      #expect(try Data(contentsOf: a.appendingPathComponent(file)) == Data(contentsOf: b.appendingPathComponent(file)), "\(file)")
    }
  }

  @Test func intervalsAreCrossedNotHit() {
    #expect(Trainer.crosses(100, from: 99, to: 100))
    #expect(Trainer.crosses(100, from: 96, to: 104))
    #expect(!Trainer.crosses(100, from: 100, to: 108))
    #expect(!Trainer.crosses(0, from: 0, to: 1_000))
  }
}
