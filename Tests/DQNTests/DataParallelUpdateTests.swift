import Foundation
import GridGames
import NeuralNetwork
import Testing
@testable import DQN

/// `splitsUpdates` (`dqn train --threads 2`): the batch cut in two halves, each computed on its own
/// network copy, gives the whole batch's loss, gradient and TD errors, and trains as well.
@Suite struct DataParallelUpdateTests {
  /// An agent of `family`'s Breakout preset whose replay holds 600 steps of random play (no
  /// update yet), its batch sampled.
  static func agentWithBatch(_ family: String) throws -> DQNAgent {
    BLAS.setThreadCount(1)
    let definition = try TrainerTests.definition("breakout")
    var preset = try AgentPreset.resolve(
      family, environment: "breakout", searchDirectory: TrainerTests.root.appendingPathComponent("Agents"))
    try preset.apply(overrides: ["bufferSize=2000", "learningStarts=100000"])
    var environment = try definition.makeEnvironment()
    let agent = try DQNAgentBuilder.make(
      preset: preset, frameShape: definition.frameShape, stackDepth: definition.observation.frameStack,
      actionCount: definition.actionNames.count, seed: 3)
    var frame = environment.reset(seed: 3)
    var actions = SplitMix64(seed: 9)
    for episode in 0..<600 {
      let action = Int(actions.next() % UInt64(definition.actionNames.count))
      let result = environment.step(action)
      _ = try agent.observe(Transition(frame: frame, action: action, step: result))
      frame = result.isEpisodeOver ? environment.reset(seed: UInt64(episode)) : result.frame
    }
    var sampling = SplitMix64(seed: 4)
    agent.replay.sample(into: agent.batch, step: agent.steps, using: &sampling)
    return agent
  }

  /// The halves' summed gradient, loss, mean max-Q and TD errors equal the whole batch's
  /// (computed as `DQNAgent.learn()` does with one thread) up to rounding.
  @Test(arguments: ["dqn", "rainbow-lite"])
  func halvesSumToTheWholeBatch(family: String) throws {
    let agent = try Self.agentWithBatch(family)
    let online = agent.onlineNetwork
    let target = agent.targetNetwork
    // A target network that differs from the online one, so the TD errors are not all alike.
    for parameter in target.parameters {
      parameter.value.withUnsafeMutableBufferPointer { values in
        for index in values.indices { values[index] *= 1.1 }
      }
    }
    let batch = agent.batch
    let settings = agent.settings

    // The whole batch, as learn() computes it.
    var nextValues: [Float] = []
    var targets: [Float] = []
    let targetNext = target(batch.nextObservations)
    let onlineNext = settings.double ? online(batch.nextObservations) : nil
    bootstrapValues(targetNext: targetNext, onlineNext: onlineNext, into: &nextValues)
    temporalDifferenceTargets(
      rewards: batch.rewards, bootstrapDiscounts: batch.bootstrapDiscounts, nextValues: nextValues, into: &targets)
    online.zeroGradients()
    let q = online.forward(batch.observations, training: true)
    let loss = HuberLoss()
    let wholeLoss = loss.forward(q, actions: batch.actions, targets: targets, rowWeights: batch.weights)
    _ = online.backward(loss.backward())
    let wholeGradients = online.parameters.map(\.gradient)
    let wholeErrors = loss.lastErrors

    let replicas = try Self.agentWithBatch(family)
    let split = DataParallelUpdate(
      online: online, replicas: (replicas.onlineNetwork, replicas.targetNetwork), batchSize: batch.batchSize,
      observationShape: agent.replay.observationShape, delta: 1)
    let (splitLoss, splitMeanMaxQ) = split.gradient(of: batch, online: online, target: target, double: settings.double)

    #expect(abs(splitLoss - wholeLoss) <= 1e-5 * max(1, abs(wholeLoss)), "\(splitLoss) vs \(wholeLoss)")
    var meanMaxQ: Float = 0
    q.withUnsafeBufferPointer { values in
      for row in 0..<batch.batchSize { meanMaxQ += (0..<q.shape[1]).map { values[row * q.shape[1] + $0] }.max()! }
    }
    meanMaxQ /= Float(batch.batchSize)
    #expect(abs(splitMeanMaxQ - meanMaxQ) <= 1e-5 * max(1, abs(meanMaxQ)))
    #expect(zip(split.errors, wholeErrors).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) })
    #expect(wholeErrors.contains { abs($0) > 1e-3 }, "the test needs TD errors that are not all zero")
    for (parameter, whole) in zip(online.parameters, wholeGradients) {
      let (split, reference) = (Self.values(parameter.gradient), Self.values(whole))
      let scale = max(reference.map(abs).max() ?? 0, 1e-3)
      let difference = zip(split, reference).map { abs($0 - $1) }.max() ?? 0
      #expect(difference <= 1e-4 * scale, "\(parameter.name): \(difference) against gradients up to \(scale)")
    }
  }

  static func values(_ tensor: Tensor) -> [Float] { tensor.withUnsafeBufferPointer { Array($0) } }

  /// Split updates are the same from run to run, and an agent trained with them on Catch learns.
  @Test func splitUpdatesAreRepeatableAndLearnCatch() throws {
    BLAS.setThreadCount(1)
    let directory = try TrainerTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    var weights: [Data] = []
    for run in 0..<2 {
      let trainer = try Trainer(
        newRunAt: directory.appendingPathComponent("split\(run)"),
        preset: try TrainerTests.preset("catch", ["evalEpisodes=20"]),
        environment: try TrainerTests.definition("catch"), seed: 1, tensorboard: false)
      trainer.agent.splitsUpdates = true
      #expect(try trainer.train(toStep: run == 0 ? 8_000 : 3_000) == .finished)
      #expect(trainer.agent.updates > 0)
      if run == 0 {
        let description = try trainer.folder.readDescription()
        let network = try RunFolder.loadNetwork(description, weights: trainer.folder.bestWeightsFile)
        let result = Evaluation.run(
          network: network, environment: try TrainerTests.definition("catch").makeEnvironment(), stackDepth: 1,
          episodes: 100, epsilon: 0.01, seed: 12)
        #expect(result.mean >= 0.9, "\(result.summaryLine)")
      }
      weights.append(try Data(contentsOf: trainer.folder.weightsFile))
    }
    // The same seed for 3,000 steps again, after the first run's 8,000: compare with a third run
    // of 3,000 steps.
    let again = try Trainer(
      newRunAt: directory.appendingPathComponent("split2"), preset: try TrainerTests.preset("catch", ["evalEpisodes=20"]),
      environment: try TrainerTests.definition("catch"), seed: 1, tensorboard: false)
    again.agent.splitsUpdates = true
    _ = try again.train(toStep: 3_000)
    #expect(try Data(contentsOf: again.folder.weightsFile) == weights[1])
    // And the split run is not the unsplit one (the flag took effect).
    let unsplit = try Trainer(
      newRunAt: directory.appendingPathComponent("whole"), preset: try TrainerTests.preset("catch", ["evalEpisodes=20"]),
      environment: try TrainerTests.definition("catch"), seed: 1, tensorboard: false)
    _ = try unsplit.train(toStep: 3_000)
    #expect(try Data(contentsOf: unsplit.folder.weightsFile) != weights[1])
  }

  /// A run started with split updates resumes with them (agent.yaml records it), bit for bit an
  /// uninterrupted split run; one started without resumes without.
  @Test func aResumedRunKeepsItsSplitUpdates() throws {
    BLAS.setThreadCount(1)
    let directory = try TrainerTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    for splits in [true, false] {
      func start(_ name: String) throws -> Trainer {
        try Trainer(
          newRunAt: directory.appendingPathComponent(name), preset: try TrainerTests.preset("catch", ["evalEpisodes=5"]),
          environment: try TrainerTests.definition("catch"), seed: 3, tensorboard: false, splitsUpdates: splits)
      }
      let whole = try start("whole-\(splits)")
      #expect(whole.agent.splitsUpdates == splits)
      _ = try whole.train(toStep: 2_500)
      let first = try start("parts-\(splits)")
      _ = try first.train(toStep: 1_600)
      #expect(try first.folder.readDescription().splitUpdates == splits)
      let resumed = try Trainer(resuming: first.folder.url)
      #expect(resumed.agent.splitsUpdates == splits)
      _ = try resumed.train(toStep: 2_500)
      #expect(try Data(contentsOf: resumed.folder.weightsFile) == Data(contentsOf: whole.folder.weightsFile), "split \(splits)")
    }
  }
}
