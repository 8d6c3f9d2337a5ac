import FileIO
import Foundation
import GridGames
import NeuralNetwork
import Testing
@testable import DQN

/// `--envs N`: each environment copy writes a replay stream of its own, and stacks and n-step
/// returns never mix streams.
@Suite struct ReplayStreamTests {
  static let shape = FrameShape(height: 1, width: 1, channels: 1)

  /// Stream `stream`'s `t`-th frame: value `80·stream + t` (t < 80), so a value names its stream.
  static func frame(stream: Int, t: Int) -> Frame {
    Frame(height: 1, width: 1, channels: 1, pixels: [UInt8(80 * stream + t % 80)])
  }

  static func value(_ tensor: Tensor, row: Int, position: Int, depth: Int) -> Int {
    Int((tensor[flat: row * depth + position] * 255).rounded())
  }

  /// Three streams written round-robin, each with episodes of its own length; returns the
  /// buffer and, per stream, how many steps it has written.
  static func filled(sampler: any ReplaySampler, capacity: Int, stackDepth: Int, nStep: Int) -> ReplayBuffer {
    let replay = ReplayBuffer(
      ring: FrameRing(capacity: capacity, frameShape: shape, streams: 3), sampler: sampler, stackDepth: stackDepth,
      nStep: nStep, discount: 0.5)
    let episodeLengths = [7, 5, 9]
    var t = [0, 0, 0]
    for round in 0..<60 {
      for stream in 0..<3 {
        let ends = (round + 1) % episodeLengths[stream] == 0
        replay.add(
          frame: frame(stream: stream, t: t[stream]), action: stream, reward: Float(stream + 1), terminated: ends,
          truncated: false, stream: stream)
        t[stream] += 1
        if ends {
          replay.addFinal(frame: frame(stream: stream, t: t[stream]), stream: stream)
          t[stream] += 1
        }
      }
    }
    return replay
  }

  @Test(arguments: [false, true])
  func stacksAndReturnsStayInTheirStream(prioritized: Bool) {
    let capacity = 90
    let sampler: any ReplaySampler = prioritized
      ? PrioritizedSampler(capacity: capacity, priorityExponent: 0.6, priorityEpsilon: 1e-3,
                           importanceExponent: LinearSchedule(from: 0.4, to: 1, steps: 100))
      : UniformSampler()
    let depth = 3
    let replay = Self.filled(sampler: sampler, capacity: capacity, stackDepth: depth, nStep: 2)
    #expect(replay.ring.streamCapacity == 30)
    #expect(replay.count == 90)
    let batch = ReplayBatch(batchSize: 64, observationShape: replay.observationShape)
    var rng = SplitMix64(seed: 5)
    var streamsSeen = Set<Int>()
    for _ in 0..<20 {
      replay.sample(into: batch, step: 10, using: &rng)
      for row in 0..<64 {
        let stream = batch.indices[row] % 3
        streamsSeen.insert(stream)
        #expect(batch.actions[row] == stream)
        let observed = (0..<depth).map { Self.value(batch.observations, row: row, position: $0, depth: depth) }
        let next = (0..<depth).map { Self.value(batch.nextObservations, row: row, position: $0, depth: depth) }
        // Every frame of both stacks belongs to the sampled transition's stream.
        #expect((observed + next).allSatisfy { $0 / 80 == stream }, "row \(row): \(observed) → \(next) in stream \(stream)")
        // Within a stack, frames follow each other (or repeat an episode's first frame).
        for position in 1..<depth {
          let step = observed[position] - observed[position - 1]
          #expect(step == 0 || step == 1, "\(observed)")
        }
        // The n-step return sums this stream's rewards only: (s+1)(1 + γ) or, at an episode's
        // last step, s+1.
        let reward = Float(stream + 1)
        let advanced = next[depth - 1] - observed[depth - 1]
        #expect(advanced == 1 || advanced == 2)
        #expect(abs(batch.rewards[row] - (advanced == 2 ? reward * 1.5 : reward)) < 1e-6)
      }
    }
    #expect(streamsSeen == [0, 1, 2])
  }

  @Test func aStreamedBufferRoundTripsThroughItsFile() throws {
    let capacity = 90
    func make() -> ReplayBuffer {
      Self.filled(
        sampler: PrioritizedSampler(capacity: capacity, priorityExponent: 0.6, priorityEpsilon: 1e-3,
                                    importanceExponent: LinearSchedule(from: 0.4, to: 1, steps: 100)),
        capacity: capacity, stackDepth: 2, nStep: 3)
    }
    let replay = make()
    replay.updatePriorities(indices: [replay.ring.nextIndex(stream: 1) - 6], errors: [4])
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("streams-\(UUID().uuidString).bin")
    defer { try? FileManager.default.removeItem(at: url) }
    try replay.write(to: url)
    let copy = replay.emptyCopy()
    try copy.read(from: url)
    #expect(copy.ring.addedCounts == replay.ring.addedCounts)
    #expect(copy.streamsAtEpisodeStart == replay.streamsAtEpisodeStart)
    let a = ReplayBatch(batchSize: 32, observationShape: replay.observationShape)
    let b = ReplayBatch(batchSize: 32, observationShape: replay.observationShape)
    var first = SplitMix64(seed: 9)
    var second = SplitMix64(seed: 9)
    replay.sample(into: a, step: 50, using: &first)
    copy.sample(into: b, step: 50, using: &second)
    #expect(a.indices == b.indices && a.observations == b.observations && a.nextObservations == b.nextObservations)
    #expect(a.rewards == b.rewards && a.weights == b.weights)
    // A run with another number of copies cannot load it.
    let other = ReplayBuffer(
      ring: FrameRing(capacity: capacity, frameShape: Self.shape, streams: 2),
      sampler: PrioritizedSampler(capacity: capacity, priorityExponent: 0.6, priorityEpsilon: 1e-3,
                                  importanceExponent: LinearSchedule(from: 0.4, to: 1, steps: 100)),
      stackDepth: 2, nStep: 3, discount: 0.5)
    #expect(throws: ReplayFileError.self) { try other.read(from: url) }
  }

  @Test func anAbandonedEpisodeIsNeverSampledAcrossItsEnd() {
    let replay = ReplayBuffer(
      ring: FrameRing(capacity: 40, frameShape: Self.shape, streams: 2), sampler: UniformSampler(), stackDepth: 1,
      nStep: 3, discount: 0.5)
    // Stream 0: an episode of 5 steps cut off (an actor restarted), then a new one of 6 steps.
    for t in 0..<5 {
      replay.add(frame: Self.frame(stream: 0, t: t), action: 0, reward: 1, terminated: false, truncated: false)
    }
    replay.abandonEpisode(stream: 0)
    for t in 10..<16 {
      replay.add(frame: Self.frame(stream: 0, t: t), action: 1, reward: 1, terminated: t == 15, truncated: false)
    }
    replay.addFinal(frame: Self.frame(stream: 0, t: 16))
    let batch = ReplayBatch(batchSize: 64, observationShape: replay.observationShape)
    var rng = SplitMix64(seed: 2)
    for _ in 0..<10 {
      replay.sample(into: batch, step: 0, using: &rng)
      for row in 0..<64 {
        let observed = Self.value(batch.observations, row: row, position: 0, depth: 1)
        let next = Self.value(batch.nextObservations, row: row, position: 0, depth: 1)
        // The cut episode's last steps have no complete 3-step return: only steps 0 and 1 of it.
        #expect(observed >= 10 || observed <= 1, "\(observed)")
        #expect((observed < 10) == (next < 10), "\(observed) → \(next)")
      }
    }
  }

  /// An Ape-X checkpoint holds episodes that actors abandoned (no final frame, the next step a new
  /// episode) and streams whose episode was abandoned last: the file's checks accept both and the
  /// buffer comes back the same; a cut that is not an abandon (an ended step without its final
  /// frame) is still refused.
  @Test func abandonedEpisodesRoundTripThroughTheFile() throws {
    func make() -> ReplayBuffer {
      ReplayBuffer(
        ring: FrameRing(capacity: 40, frameShape: Self.shape, streams: 2), sampler: UniformSampler(), stackDepth: 1,
        nStep: 3, discount: 0.5)
    }
    let replay = make()
    for t in 0..<5 { replay.add(frame: Self.frame(stream: 0, t: t), action: 0, reward: 1, terminated: false, truncated: false) }
    replay.abandonEpisode(stream: 0)
    for t in 10..<16 {
      replay.add(frame: Self.frame(stream: 0, t: t), action: 1, reward: 1, terminated: t == 15, truncated: false)
    }
    replay.addFinal(frame: Self.frame(stream: 0, t: 16))
    for t in 0..<7 {
      replay.add(frame: Self.frame(stream: 1, t: t), action: 2, reward: 0, terminated: false, truncated: false, stream: 1)
    }
    replay.abandonEpisode(stream: 1)
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("abandoned-\(UUID().uuidString).bin")
    defer { try? FileManager.default.removeItem(at: url) }
    try replay.write(to: url)
    let copy = make()
    try copy.read(from: url, actionCount: 3)
    #expect(copy.ring.addedCounts == replay.ring.addedCounts)
    #expect(copy.streamsAtEpisodeStart == [true, true])
    let a = ReplayBatch(batchSize: 16, observationShape: replay.observationShape)
    let b = ReplayBatch(batchSize: 16, observationShape: replay.observationShape)
    var first = SplitMix64(seed: 4)
    var second = SplitMix64(seed: 4)
    replay.sample(into: a, step: 0, using: &first)
    copy.sample(into: b, step: 0, using: &second)
    #expect(a.indices == b.indices && a.observations == b.observations && a.nextObservations == b.nextObservations)
    // Stream 0's ended step (t = 15) loses its final frame: that is damage, not an abandon. The
    // flags of stream 0 come first in the flags block; its final frame is its 12th slot.
    var bytes = [UInt8](try Data(contentsOf: url))
    let stored = 12 + 7
    let frameBytes = Self.shape.height * Self.shape.width * Self.shape.channels
    let flagsAt = 12 + 8 * (8 + 1 + 2 * 2) + stored * (frameBytes + 8)
    #expect(bytes[flagsAt + 11] == 0)
    bytes[flagsAt + 11] = FrameRing.transitionBit | FrameRing.episodeStartBit
    let body = bytes.count - 4
    let checksum = bytes.withUnsafeBytes { CRC32C.extend(0, with: UnsafeRawBufferPointer(rebasing: $0[..<body])) }
    for k in 0..<4 { bytes[body + k] = UInt8(truncatingIfNeeded: checksum >> (8 * UInt32(k))) }
    #expect(throws: ReplayFileError.self) { try make().read(Data(bytes), file: "damaged.bin", actionCount: 3) }
  }
}
