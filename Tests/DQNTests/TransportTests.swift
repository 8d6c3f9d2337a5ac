import Foundation
import GridGames
import NeuralNetwork
import Testing
@testable import DQN

/// The actor–learner transport, driven in-process (the MPI transport carries the same messages).
@Suite struct TransportTests {
  static let shape = FrameShape(height: 2, width: 3, channels: 1)

  /// Actor `actor`'s fragment `sequence`: 1 + sequence % 5 transitions whose bytes and fields
  /// all derive from (actor, sequence, entry), and a final frame.
  static func fragment(actor: Int, sequence: Int) -> ExperienceFragment {
    var fragment = ExperienceFragment(actor: actor, sequence: sequence, frameShape: shape)
    let entries = 1 + sequence % 5
    for entry in 0..<entries {
      let seed = actor * 10_000 + sequence * 10 + entry
      let frame = Frame(height: 2, width: 3, channels: 1, pixels: (0..<6).map { UInt8(truncatingIfNeeded: seed &* 31 &+ $0) })
      fragment.appendTransition(
        copy: entry % 2, frame: frame, action: seed % 4, reward: Float(seed) / 7, terminated: entry == entries - 1,
        truncated: false, priority: Float(seed) / 3)
    }
    fragment.appendFinal(copy: (entries - 1) % 2, frame: Frame(shape: shape, value: UInt8(sequence % 200)))
    fragment.episodes.append(.init(episodeReturn: Double(sequence), length: entries, epsilon: 0.4))
    return fragment
  }

  @Test func fragmentsArriveWholeAndInOrderPerActor() throws {
    let transport = InProcessTransport(capacity: 3)
    let actors = 4
    let perActor = 60
    let done = DispatchGroup()
    for actor in 0..<actors {
      done.enter()
      Thread {
        for sequence in 0..<perActor { try? transport.send(Self.fragment(actor: actor, sequence: sequence)) }
        done.leave()
      }.start()
    }
    var next = [Int](repeating: 0, count: actors)
    for _ in 0..<(actors * perActor) {
      let fragment = try #require(try transport.receive(timeout: 10))
      #expect(fragment.sequence == next[fragment.actor], "actor \(fragment.actor)")
      #expect(fragment == Self.fragment(actor: fragment.actor, sequence: fragment.sequence))
      next[fragment.actor] += 1
    }
    #expect(next == [Int](repeating: perActor, count: actors))
    #expect(done.wait(timeout: .now() + 10) == .success)
    #expect(try transport.receive(timeout: 0.01) == nil)
  }

  @Test func fragmentsSurviveTheirByteEncoding() throws {
    for sequence in 0..<7 {
      let fragment = Self.fragment(actor: 3, sequence: sequence)
      let bytes = fragment.encoded()
      #expect(try ExperienceFragment(decoding: bytes) == fragment)
      // Frames once per entry plus 17 bytes of fields per entry, 20 per episode, a 64-byte header.
      #expect(bytes.count == 64 + fragment.count * (6 + 17) + 20)
      #expect(throws: TransportError.self) { try ExperienceFragment(decoding: Array(bytes.dropLast())) }
    }
  }

  @Test func weightVersionsOnlyIncrease() throws {
    let transport = InProcessTransport(capacity: 1)
    #expect(try transport.weights(newerThan: -1) == nil)
    try transport.publish(WeightSnapshot(version: 5, values: [1, 2]))
    #expect(throws: TransportError.self) { try transport.publish(WeightSnapshot(version: 5, values: [3, 4])) }
    #expect(throws: TransportError.self) { try transport.publish(WeightSnapshot(version: 3, values: [3, 4])) }
    #expect(try transport.weights(newerThan: -1)?.values == [1, 2])
    #expect(try transport.weights(newerThan: 5) == nil)
    try transport.publish(WeightSnapshot(version: 9, values: [5, 6]))
    #expect(try transport.weights(newerThan: 5) == WeightSnapshot(version: 9, values: [5, 6]))
  }

  @Test func weightsTravelAsOneBufferAndLoadExactly() throws {
    let source = try QNetworkBuilder.make(.minatar, dueling: true, inputShape: [4, 10, 10], actionCount: 6, seed: 1)
    let target = try QNetworkBuilder.make(.minatar, dueling: true, inputShape: [4, 10, 10], actionCount: 6, seed: 2)
    let snapshot = WeightSnapshot(version: 1, of: source)
    #expect(snapshot.values.count == source.parameters.reduce(0) { $0 + $1.value.count })
    try snapshot.load(into: target)
    let input = Tensor(shape: [2, 4, 10, 10], scalars: (0..<800).map { Float($0 % 13) / 13 })
    #expect(target(input) == source(input))
    let small = try QNetworkBuilder.make(.small, dueling: false, inputShape: [4, 10, 10], actionCount: 6, seed: 1)
    #expect(throws: TransportError.self) { try snapshot.load(into: small) }
  }

  @Test func shutdownReleasesBlockedActorsAndTheLearner() throws {
    let transport = InProcessTransport(capacity: 1)
    let done = DispatchGroup()
    let outcomes = FailureList()
    for actor in 0..<3 {
      done.enter()
      Thread {
        do {
          for sequence in 0..<100 { try transport.send(Self.fragment(actor: actor, sequence: sequence)) }
          outcomes.append("actor \(actor) sent everything")
        } catch {
          outcomes.append("\(error)")
        }
        done.leave()
      }.start()
    }
    // Nobody receives: the actors block on the full queue until the learner closes it.
    Thread.sleep(forTimeInterval: 0.2)
    transport.close()
    #expect(done.wait(timeout: .now() + 5) == .success)
    #expect(outcomes.first == TransportError.closed.description)
    #expect(throws: TransportError.closed) { try transport.send(Self.fragment(actor: 0, sequence: 0)) }
    #expect(throws: TransportError.closed) { try transport.weights(newerThan: 0) }
    // What was queued before the close is still delivered, then `closed`.
    #expect(try transport.receive(timeout: 1) != nil)
    #expect(throws: TransportError.closed) { try transport.receive(timeout: 1) }
  }

  /// An actor's priorities reach the learner's sampler, and the learner's updates replace them.
  @Test func prioritiesRoundTrip() throws {
    BLAS.setThreadCount(1)
    let definition = try TrainerTests.definition("catch")
    let preset = try TrainerTests.preset("catch", ["prioritized=true", "nStep=3", "learningStarts=0", "batchSize=16", "priorityExponent=1"])
    let transport = InProcessTransport(capacity: 4)
    let agent = try DQNAgentBuilder.make(
      preset: preset, frameShape: definition.frameShape, stackDepth: 1, actionCount: 3, seed: 1, streams: 2)
    try transport.publish(WeightSnapshot(version: 0, of: agent.onlineNetwork))
    let actor = try ApeXActor(index: 0, actors: 1, envs: 2, preset: preset, definition: definition, seed: 4, fragmentLength: 40)
    #expect(actor.epsilon == 0.4)
    try actor.refreshWeights(from: transport)
    #expect(actor.weightsVersion == 0)
    while actor.fragmentTransitions < 40 { actor.step() }
    try transport.send(actor.takeFragment())
    let fragment = try #require(try transport.receive(timeout: 1))
    #expect(fragment.actor == 0 && fragment.sequence == 0 && fragment.transitions >= 40)
    #expect(fragment.priorities.allSatisfy { $0 >= 0 && $0.isFinite })
    #expect(fragment.priorities.contains { $0 > 0 })
    agent.store(fragment, firstStream: 0)
    let sampler = try #require(agent.replay.sampler as? PrioritizedSampler)
    var index = [0, 0]
    for entry in 0..<fragment.count {
      let copy = Int(fragment.copies[entry])
      let absolute = agent.replay.ring.absoluteIndex(stream: copy, local: index[copy])
      index[copy] += 1
      guard fragment.flags[entry] & ExperienceFragment.flagTransition != 0 else { continue }
      let stored = sampler.priorities[agent.replay.ring.slot(of: absolute)]
      #expect(abs(stored - Double(fragment.priorities[entry] + sampler.priorityEpsilon)) < 1e-6, "entry \(entry)")
    }
    // One update writes the batch's new TD errors back.
    let before = sampler.priorities.leaves
    #expect(agent.learnerMayUpdate(replayRatio: 16))
    agent.learn()
    #expect(sampler.priorities.leaves != before)
  }

  @Test func apeXExplorationRates() {
    #expect(ApeXExploration.epsilon(actor: 0, of: 1) == 0.4)
    #expect(ApeXExploration.epsilon(actor: 0, of: 8) == 0.4)
    #expect(abs(ApeXExploration.epsilon(actor: 7, of: 8) - Float(pow(0.4, 8.0))) < 1e-9)
    #expect(abs(ApeXExploration.epsilon(actor: 1, of: 3) - Float(pow(0.4, 4.5))) < 1e-9)
  }
}

/// `dqn train --actors K`.
@Suite struct ActorTrainingTests {
  /// The test: two actor threads and a learner learn catch to a mean return ≥ 0.9.
  @Test func twoActorsLearnCatch() throws {
    BLAS.setThreadCount(1)
    let directory = try TrainerTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let trainer = try Trainer(
      newRunAt: directory.appendingPathComponent("actors"), preset: try TrainerTests.preset("catch", ["evalEpisodes=20"]),
      environment: try TrainerTests.definition("catch"), seed: 1, tensorboard: false, actors: 2)
    #expect(try trainer.trainWithActors(toStep: 8_000) == .finished)
    #expect(trainer.state.step >= 8_000)
    let description = try trainer.folder.readDescription()
    #expect(description.actors == 2)
    // Both actors' episodes are logged with their steps/s and the learner's updates/s.
    let metrics = try String(contentsOf: trainer.folder.metricsFile, encoding: .utf8).split(separator: "\n")
    #expect(metrics.first == Substring(EpisodeRow.scalingHeader))
    let actorsSeen = Set(metrics.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[8] })
    #expect(actorsSeen == ["0", "1"])
    // The learner kept to the replay ratio (32 sampled per collected transition, one batch of
    // 32 per step after 500): it stops at most one fragment of 50 behind.
    let lag = (trainer.agent.steps - 500) - trainer.agent.updates
    #expect((0...60).contains(lag), "\(trainer.agent.updates) updates for \(trainer.agent.steps) steps")
    let network = try RunFolder.loadNetwork(description, weights: trainer.folder.bestWeightsFile)
    let result = Evaluation.run(
      network: network, environment: try TrainerTests.definition("catch").makeEnvironment(), stackDepth: 1,
      episodes: 100, epsilon: 0.01, seed: 12)
    #expect(result.mean >= 0.9, "\(result.summaryLine)")
  }

  /// Checkpoint and resume with actors: the run continues from the checkpoint's replay, networks
  /// and counters (not bit for bit: threads interleave and actors start new episodes).
  @Test func aRunWithActorsResumes() throws {
    BLAS.setThreadCount(1)
    let directory = try TrainerTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let preset = try TrainerTests.preset("catch", ["evalInterval=0", "learningStarts=200", "bufferSize=3000"])
    let first = try Trainer(
      newRunAt: directory.appendingPathComponent("run"), preset: preset, environment: try TrainerTests.definition("catch"),
      seed: 2, tensorboard: false, envs: 2, actors: 2)
    _ = try first.trainWithActors(toStep: 1_000)
    let stepsDone = first.state.step
    let updatesDone = first.agent.updates
    let rows = first.state.metricsRows
    let resumed = try Trainer(resuming: first.folder.url)
    #expect(resumed.actors == 2 && resumed.envs == 2 && resumed.agent.replay.streams == 4)
    #expect(resumed.state.step == stepsDone && resumed.agent.updates == updatesDone)
    #expect(resumed.agent.replay.streamsAtEpisodeStart.allSatisfy { $0 })
    #expect(resumed.notes.contains { $0.contains("not exactly") })
    #expect(try resumed.trainWithActors(toStep: 2_000) == .finished)
    #expect(resumed.state.step >= 2_000 && resumed.agent.updates > updatesDone && resumed.state.metricsRows > rows)
    let lines = try String(contentsOf: resumed.folder.metricsFile, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == resumed.state.metricsRows + 1)
  }
}
