import Foundation
import GridGames
import NeuralNetwork
import Testing
@testable import DQN

@Suite struct ReplayBufferTests {
  static let shape = FrameShape(height: 1, width: 2, channels: 1)

  static func frame(_ value: Int) -> Frame {
    Frame(height: 1, width: 2, channels: 1, pixels: [UInt8(value % 256), UInt8(value % 256)])
  }

  static func uniform(capacity: Int, frameShape: FrameShape, stackDepth: Int, nStep: Int, discount: Float) -> ReplayBuffer {
    ReplayBuffer(
      ring: FrameRing(capacity: capacity, frameShape: frameShape), sampler: UniformSampler(), stackDepth: stackDepth,
      nStep: nStep, discount: discount)
  }

  static func prioritized(
    capacity: Int, stackDepth: Int, nStep: Int, discount: Float, priorityExponent: Float, priorityEpsilon: Float,
    importanceExponent: Float
  ) -> (ReplayBuffer, PrioritizedSampler) {
    let sampler = PrioritizedSampler(
      capacity: capacity, priorityExponent: priorityExponent, priorityEpsilon: priorityEpsilon,
      importanceExponent: LinearSchedule(from: importanceExponent, to: 1, steps: 100))
    let replay = ReplayBuffer(
      ring: FrameRing(capacity: capacity, frameShape: shape), sampler: sampler, stackDepth: stackDepth, nStep: nStep,
      discount: discount)
    return (replay, sampler)
  }

  /// The frame values (×255) of each stack position of row `row`.
  static func stackValues(_ tensor: Tensor, row: Int, depth: Int) -> [Int] {
    let perObservation = depth * 2
    return (0..<depth).map { Int((tensor[flat: row * perObservation + $0 * 2] * 255).rounded()) }
  }

  @Test(arguments: [2, 3, 7], [0, 1, 6, 7, 15])
  func wrapsAroundKeepingTheNewestSlots(capacity: Int, adds: Int) {
    let replay = Self.uniform(capacity: capacity, frameShape: Self.shape, stackDepth: 1, nStep: 1, discount: 0.9)
    for index in 0..<adds {
      replay.add(frame: Self.frame(index), action: index % 3, reward: Float(index), terminated: false, truncated: false)
    }
    #expect(replay.count == min(adds, capacity))
    #expect(replay.ring.oldestIndex == max(0, adds - capacity))
    guard adds >= 2, capacity >= 2 else { return }
    // Every sample is a stored transition whose next frame is the following one.
    let batch = ReplayBatch(batchSize: 8, observationShape: replay.observationShape)
    var rng = SplitMix64(seed: 1)
    replay.sample(into: batch, step: 0, using: &rng)
    for row in 0..<8 {
      let index = batch.indices[row]
      #expect(index >= max(0, adds - capacity) && index < adds - 1)
      #expect(Self.stackValues(batch.observations, row: row, depth: 1) == [index])
      #expect(Self.stackValues(batch.nextObservations, row: row, depth: 1) == [index + 1])
      #expect(batch.actions[row] == index % 3)
      #expect(batch.rewards[row] == Float(index))
      #expect(abs(batch.bootstrapDiscounts[row] - 0.9) < 1e-6)
    }
  }

  @Test func stacksNeverReachAcrossAnEpisodeStart() {
    let replay = Self.uniform(capacity: 50, frameShape: Self.shape, stackDepth: 3, nStep: 1, discount: 1)
    // Episode A: frames 10, 11, terminal step from 11, final frame 12.
    replay.add(frame: Self.frame(10), action: 0, reward: 0, terminated: false, truncated: false)
    replay.add(frame: Self.frame(11), action: 0, reward: 1, terminated: true, truncated: false)
    replay.addFinal(frame: Self.frame(12))
    // Episode B: 20, 21, 22, …
    for value in 20..<24 { replay.add(frame: Self.frame(value), action: 1, reward: 0, terminated: false, truncated: false) }
    let batch = ReplayBatch(batchSize: 64, observationShape: replay.observationShape)
    var rng = SplitMix64(seed: 3)
    replay.sample(into: batch, step: 0, using: &rng)
    var seen = Set<Int>()
    for row in 0..<64 {
      let observation = Self.stackValues(batch.observations, row: row, depth: 3)
      let next = Self.stackValues(batch.nextObservations, row: row, depth: 3)
      seen.insert(observation[2])
      switch observation[2] {
      case 10: #expect(observation == [10, 10, 10] && next == [10, 10, 11])
      case 11:
        #expect(observation == [10, 10, 11])
        #expect(batch.bootstrapDiscounts[row] == 0)
        #expect(batch.rewards[row] == 1)
      case 20: #expect(observation == [20, 20, 20] && next == [20, 20, 21])
      case 21: #expect(observation == [20, 20, 21] && next == [20, 21, 22])
      case 22: #expect(observation == [20, 21, 22] && next == [21, 22, 23])
      default: Issue.record("sampled a slot that is not a complete transition: \(observation)")
      }
    }
    #expect(seen == [10, 11, 20, 21, 22])
  }

  @Test func truncatedStepsBootstrapFromTheFinalFrameAndNStepStopsThere() {
    let replay = Self.uniform(capacity: 50, frameShape: Self.shape, stackDepth: 1, nStep: 3, discount: 0.5)
    replay.add(frame: Self.frame(1), action: 0, reward: 1, terminated: false, truncated: false)
    replay.add(frame: Self.frame(2), action: 0, reward: 2, terminated: false, truncated: true)
    replay.addFinal(frame: Self.frame(3))
    replay.add(frame: Self.frame(7), action: 0, reward: 0, terminated: false, truncated: false)
    let batch = ReplayBatch(batchSize: 32, observationShape: replay.observationShape)
    var rng = SplitMix64(seed: 4)
    replay.sample(into: batch, step: 0, using: &rng)
    for row in 0..<32 {
      let observation = Self.stackValues(batch.observations, row: row, depth: 1)[0]
      let next = Self.stackValues(batch.nextObservations, row: row, depth: 1)[0]
      switch observation {
      case 1:  // 1 + 0.5·2, then truncated: bootstrap from frame 3 with 0.5².
        #expect(batch.rewards[row] == 2 && batch.bootstrapDiscounts[row] == 0.25 && next == 3)
      case 2:
        #expect(batch.rewards[row] == 2 && batch.bootstrapDiscounts[row] == 0.5 && next == 3)
      default: Issue.record("unexpected sample \(observation)")
      }
    }
  }

  @Test func rgbFramesBecomeChannelPlanes() {
    let shape = FrameShape(height: 1, width: 2, channels: 3)
    let replay = Self.uniform(capacity: 4, frameShape: shape, stackDepth: 1, nStep: 1, discount: 1)
    let pixels: [UInt8] = [10, 20, 30, 40, 50, 60]  // (r, g, b) of pixel 0, then of pixel 1
    replay.add(frame: Frame(height: 1, width: 2, channels: 3, pixels: pixels), action: 0, reward: 0, terminated: true, truncated: false)
    replay.addFinal(frame: Frame(shape: shape))
    let batch = ReplayBatch(batchSize: 1, observationShape: replay.observationShape)
    var rng = SplitMix64(seed: 0)
    replay.sample(into: batch, step: 0, using: &rng)
    #expect(batch.observations.shape == [1, 3, 1, 2])
    #expect(batch.observations.scalars.map { Int(($0 * 255).rounded()) } == [10, 40, 20, 50, 30, 60])
  }

  @Test func prioritizedSamplingFavoursLargeErrorsAndWeightsThem() {
    let (replay, sampler) = Self.prioritized(
      capacity: 16, stackDepth: 1, nStep: 1, discount: 1, priorityExponent: 1, priorityEpsilon: 1, importanceExponent: 1)
    for value in 0..<5 { replay.add(frame: Self.frame(value), action: 0, reward: 0, terminated: false, truncated: false) }
    // New transitions enter at the max priority (1).
    #expect(sampler.priorities.total == 5)
    replay.updatePriorities(indices: [0, 1, 2, 3], errors: [0, 0, 9, 0])
    // Index 4 has no next frame yet, so it is never drawn.
    let batch = ReplayBatch(batchSize: 13, observationShape: replay.observationShape)
    var rng = SplitMix64(seed: 9)
    replay.sample(into: batch, step: 0, using: &rng)
    let twos = batch.indices.filter { $0 == 2 }.count
    #expect(twos >= 6)
    for row in 0..<13 {
      // w = (N·P)^-β normalised by the batch maximum: rarer transitions weigh more.
      #expect(batch.weights[row] <= 1)
      if batch.indices[row] == 2 { #expect(batch.weights[row] < 0.2) }
    }
  }

  @Test func importanceExponentAnnealsWithTheStep() {
    let (replay, _) = Self.prioritized(
      capacity: 16, stackDepth: 1, nStep: 1, discount: 1, priorityExponent: 1, priorityEpsilon: 1, importanceExponent: 0)
    for value in 0..<5 { replay.add(frame: Self.frame(value), action: 0, reward: 0, terminated: false, truncated: false) }
    replay.updatePriorities(indices: [0, 1, 2, 3], errors: [0, 0, 9, 0])
    let batch = ReplayBatch(batchSize: 8, observationShape: replay.observationShape)
    var rng = SplitMix64(seed: 9)
    // β = 0 at step 0: no correction, every weight 1; β = 1 from step 100 on.
    replay.sample(into: batch, step: 0, using: &rng)
    #expect(batch.weights.allSatisfy { $0 == 1 })
    replay.sample(into: batch, step: 100, using: &rng)
    #expect(batch.weights.contains { $0 < 0.2 })
  }

  @Test func finalFramesAreNeverDrawnAndHaveNoPriority() {
    let (replay, sampler) = Self.prioritized(
      capacity: 16, stackDepth: 1, nStep: 1, discount: 1, priorityExponent: 1, priorityEpsilon: 1, importanceExponent: 1)
    for value in 0..<6 {
      replay.add(frame: Self.frame(value), action: 0, reward: 0, terminated: value % 2 == 1, truncated: false)
      if value % 2 == 1 { replay.addFinal(frame: Self.frame(100 + value)) }
    }
    // Slots: 0 1 F 3 4 F 6 7 F (the frames 2, 5 and 8 end episodes).
    for final in [2, 5, 8] { #expect(sampler.priorities[final] == 0) }
    let batch = ReplayBatch(batchSize: 64, observationShape: replay.observationShape)
    var rng = SplitMix64(seed: 1)
    replay.sample(into: batch, step: 0, using: &rng)
    #expect(Set(batch.indices).isDisjoint(with: [2, 5, 8]))
    #expect(Set(batch.indices) == [0, 1, 3, 4, 6, 7])
  }

  @Test func roundTripsThroughItsFile() throws {
    let (replay, sampler) = Self.prioritized(
      capacity: 7, stackDepth: 2, nStep: 2, discount: 0.9, priorityExponent: 0.6, priorityEpsilon: 0.01,
      importanceExponent: 0.4)
    for value in 0..<11 {
      replay.add(frame: Self.frame(value), action: value % 2, reward: Float(value), terminated: value % 4 == 3, truncated: false)
      if value % 4 == 3 { replay.addFinal(frame: Self.frame(100 + value)) }
    }
    replay.updatePriorities(indices: [10, 11], errors: [3, 0.5])
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString).bin")
    defer { try? FileManager.default.removeItem(at: url) }
    try replay.write(to: url)
    let copy = replay.emptyCopy()
    try copy.read(from: url)
    let copiedSampler = try #require(copy.sampler as? PrioritizedSampler)
    #expect(copiedSampler.priorities == sampler.priorities && copiedSampler.maxPriority == sampler.maxPriority)
    #expect(copiedSampler.maxPriority > 1)
    let first = ReplayBatch(batchSize: 5, observationShape: replay.observationShape)
    let second = ReplayBatch(batchSize: 5, observationShape: replay.observationShape)
    var rng1 = SplitMix64(seed: 2)
    var rng2 = SplitMix64(seed: 2)
    replay.sample(into: first, step: 50, using: &rng1)
    copy.sample(into: second, step: 50, using: &rng2)
    #expect(first.observations == second.observations && first.nextObservations == second.nextObservations)
    #expect(first.rewards == second.rewards && first.indices == second.indices && first.weights == second.weights)

    // A buffer of another size or another sampler refuses the file; a cut file fails its checksum.
    let (other, _) = Self.prioritized(
      capacity: 8, stackDepth: 2, nStep: 2, discount: 0.9, priorityExponent: 0.6, priorityEpsilon: 0.01,
      importanceExponent: 0.4)
    #expect(throws: ReplayFileError.self) { try other.read(from: url) }
    let uniform = Self.uniform(capacity: 7, frameShape: Self.shape, stackDepth: 2, nStep: 2, discount: 0.9)
    #expect { try uniform.read(from: url) } throws: { error in
      guard case ReplayFileError.mismatch(_, let detail) = error else { return false }
      return detail.contains("prioritized")
    }
    let data = try Data(contentsOf: url)
    try data.prefix(data.count - 3).write(to: url)
    #expect { try copy.read(from: url) } throws: { error in
      guard case ReplayFileError.corrupt(_, let detail) = error else { return false }
      return detail.contains("checksum")
    }
  }

  @Test func samplingAnEmptyBufferIsAProgrammerError() async {
    await #expect(processExitsWith: .failure) {
      let replay = ReplayBuffer(
        ring: FrameRing(capacity: 4, frameShape: FrameShape(height: 1, width: 2, channels: 1)), sampler: UniformSampler(),
        stackDepth: 1, nStep: 1, discount: 1)
      let batch = ReplayBatch(batchSize: 1, observationShape: replay.observationShape)
      var rng = SplitMix64(seed: 0)
      replay.sample(into: batch, step: 0, using: &rng)
    }
  }
}
