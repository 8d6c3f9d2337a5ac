import FileIO
import Foundation
import GridGames
import NeuralNetwork
import Testing
@testable import DQN

/// `replay.bin` is checked before the buffer changes: the checksum catches cut and bit-flipped
/// files, and a file with a valid checksum but impossible contents (made by hand, or by another
/// program) is refused naming the field, never trapping or sampling out of range.
@Suite struct ReplayFileValidationTests {
  static let shape = FrameShape(height: 1, width: 2, channels: 1)

  /// A prioritized buffer of capacity 8 (stack 2, n 2) holding `steps` steps of 3-action
  /// episodes of 4 steps.
  static func buffer(steps: Int, capacity: Int = 8) -> ReplayBuffer {
    let replay = ReplayBuffer(
      ring: FrameRing(capacity: capacity, frameShape: shape),
      sampler: PrioritizedSampler(
        capacity: capacity, priorityExponent: 0.6, priorityEpsilon: 0.01, importanceExponent: LinearSchedule(from: 0.4, to: 1, steps: 10)),
      stackDepth: 2, nStep: 2, discount: 0.9)
    for step in 0..<steps {
      replay.add(
        frame: Frame(height: 1, width: 2, channels: 1, pixels: [UInt8(step), 7]), action: step % 3, reward: Float(step),
        terminated: step % 4 == 3, truncated: false)
      if step % 4 == 3 { replay.addFinal(frame: Frame(height: 1, width: 2, channels: 1, pixels: [200, UInt8(step)])) }
    }
    return replay
  }

  static func bytes(of replay: ReplayBuffer) throws -> [UInt8] {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString).bin")
    defer { try? FileManager.default.removeItem(at: url) }
    try replay.write(to: url)
    return [UInt8](try Data(contentsOf: url))
  }

  /// `bytes` with its checksum trailer recomputed, as a careful forger would.
  static func resigned(_ bytes: [UInt8]) -> Data {
    var body = Array(bytes.dropLast(4))
    let checksum = body.withUnsafeBytes { CRC32C.extend(0, with: $0) }
    withUnsafeBytes(of: checksum.littleEndian) { body.append(contentsOf: $0) }
    return Data(body)
  }

  /// Reads `data` into a fresh buffer like `buffer(steps:)`'s; returns the error's text, or nil.
  static func readError(_ data: Data, actionCount: Int = 3) -> String? {
    do {
      try buffer(steps: 0).read(data, file: "replay.bin", actionCount: actionCount)
      return nil
    } catch {
      return error.description
    }
  }

  // Offsets in a file of capacity 8 holding 8 stored slots of 2-byte frames.
  static let header = 12 + 64
  static let actions = header + 8 * 2
  static let rewards = actions + 8 * 4
  static let flags = rewards + 8 * 4
  static let leaves = flags + 8

  @Test func everyBitFlipAndEveryCutIsRefused() throws {
    let good = try Self.bytes(of: Self.buffer(steps: 9))
    #expect(Self.readError(Data(good)) == nil)
    for position in good.indices {
      var flipped = good
      flipped[position] ^= 1 << UInt8(position % 8)
      #expect(Self.readError(Data(flipped)) != nil, "a flip at byte \(position) was accepted")
    }
    for length in stride(from: 0, to: good.count, by: 7) {
      #expect(Self.readError(Data(good.prefix(length))) != nil, "a file cut to \(length) bytes was accepted")
    }
  }

  @Test func impossibleContentsWithAValidChecksumAreRefusedNamingTheField() throws {
    let good = try Self.bytes(of: Self.buffer(steps: 9))
    func edited(_ change: (inout [UInt8]) -> Void) -> Data {
      var bytes = good
      change(&bytes)
      return Self.resigned(bytes)
    }
    func put<T>(_ value: T, at offset: Int, in bytes: inout [UInt8]) {
      withUnsafeBytes(of: value) { raw in for (index, byte) in raw.enumerated() { bytes[offset + index] = byte } }
    }
    // 11 slots were added (9 steps, 2 final frames); ring slot 2 holds the last step, a transition
    // that starts an episode (flags 12) after a final frame.
    let cases: [(String, Data, String)] = [
      ("action out of range", edited { put(Int32(7).littleEndian, at: Self.actions + 8, in: &$0) }, "action 7, allowed 0..<3"),
      ("negative action", edited { put(Int32(-1).littleEndian, at: Self.actions + 8, in: &$0) }, "action -1"),
      ("NaN reward", edited { put(Float.nan.bitPattern.littleEndian, at: Self.rewards + 8, in: &$0) }, "reward nan"),
      ("unknown flag bits", edited { $0[Self.flags + 2] = 0x48 }, "flags 72"),
      ("broken episodes", edited { $0[Self.flags + 2] = 8 }, "episodes are broken"),
      ("absurd slot count", edited { put(Int64(1) << 62, at: 12 + 16, in: &$0) }, "slots added is 4611686018427387904"),
      ("negative slot count", edited { put(Int64(-5), at: 12 + 16, in: &$0) }, "slots added is -5"),
      ("slot count against the length", edited { put(Int64(3), at: 12 + 16, in: &$0) }, "3 stored slots need"),
      ("episode-start field", edited { put(Int64(2), at: 12 + 48, in: &$0) }, "episode-start field is 2"),
      ("NaN largest priority", edited { put(Double.nan.bitPattern.littleEndian, at: 12 + 56, in: &$0) }, "largest priority is nan"),
      ("negative priority", edited { put((-1.0).bitPattern.littleEndian, at: Self.leaves + 16, in: &$0) }, "priority -1.0"),
      ("infinite priority", edited { put(Double.infinity.bitPattern.littleEndian, at: Self.leaves + 16, in: &$0) }, "priority inf"),
      ("not a replay file", Data("DQNREPLAY9\n\0".utf8 + good.dropFirst(12)), "magic"),
    ]
    for (name, data, expected) in cases {
      let error = Self.readError(data)
      #expect(error?.contains(expected) == true && error?.contains("replay.bin") == true, "\(name): \(error ?? "accepted")")
    }
  }

  @Test func aFileThatLoadsSamplesWithinTheStoredSlots() throws {
    let replay = Self.buffer(steps: 0)
    try replay.read(Data(try Self.bytes(of: Self.buffer(steps: 13))), file: "replay.bin", actionCount: 3)
    let batch = ReplayBatch(batchSize: 16, observationShape: replay.observationShape)
    var rng = SplitMix64(seed: 4)
    replay.sample(into: batch, step: 3, using: &rng)
    #expect(batch.indices.allSatisfy { (replay.ring.oldestIndex..<replay.ring.addedCount).contains($0) })
    #expect(batch.actions.allSatisfy { (0..<3).contains($0) })
  }

  @Test func versionOneFilesWithoutAChecksumStillLoad() throws {
    let version2 = try Self.bytes(of: Self.buffer(steps: 9))
    let version1 = Array("DQNREPLAY1\n\0".utf8) + version2.dropFirst(12).dropLast(4)
    #expect(Self.readError(Data(version1)) == nil)
    var damaged = version1
    damaged[Self.actions + 8] = 9
    #expect(Self.readError(Data(damaged))?.contains("action 9") == true)
  }

  /// Found by the replay-buffer fuzzer: a version-1 file (no checksum) whose priorities put
  /// nearly all the mass on slots that cannot be sampled yet; sampling trapped after 100,000
  /// draws. It now falls back to a scan from a random slot.
  @Test func fuzzerFindingPrioritiesOnUnsampleableSlots() throws {
    let input = try #require(Data(base64Encoded:
      "RFFOUkVQTEFZMQoACAAAAAAAAAAEAAAAAAAAAAMAAAAAAAAAAgAAAAAAAAACAAAAAAAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAADwPyUBAgNKAQIDbwECAwAAAAABAAAAAgAAAAAAAAAAAIA/AAAAAAwICAAAAAAAAPA/AAAAAABBcnJheQAAAAAAAAEAAAACAAAAAAAAAAAAgD8AAAAADAgIAAAAAAAAAAAAAAAAAI0sJxg="))
    let found = ReplayBuffer(
      ring: FrameRing(capacity: 8, frameShape: FrameShape(height: 2, width: 2, channels: 1)),
      sampler: PrioritizedSampler(
        capacity: 8, priorityExponent: 0.6, priorityEpsilon: 1e-6, importanceExponent: LinearSchedule(from: 0.4, to: 1, steps: 10)),
      stackDepth: 2, nStep: 2, discount: 0.9)
    try found.read(input, file: "replay.bin", actionCount: 3)
    #expect(found.canSample)
    let foundBatch = ReplayBatch(batchSize: 4, observationShape: found.observationShape)
    var foundRNG = SplitMix64(seed: 5)
    found.sample(into: foundBatch, step: 1, using: &foundRNG)
    #expect(foundBatch.indices.allSatisfy { found.bootstrapIndex(of: $0) != nil })
    // The same mass on unsampleable slots, made by the sampler's own API: sampling still returns.
    let replay = Self.buffer(steps: 5, capacity: 16)
    let sampler = try #require(replay.sampler as? PrioritizedSampler)
    var leaves = [Double](repeating: 0, count: 16)
    leaves[4] = 1  // the final frame's slot: never a complete transition
    leaves[0] = 1e-300
    sampler.restorePriorities(maxPriority: 1, leaves: leaves)
    let batch = ReplayBatch(batchSize: 4, observationShape: replay.observationShape)
    var rng = SplitMix64(seed: 1)
    replay.sample(into: batch, step: 1, using: &rng)
    #expect(batch.indices.allSatisfy { replay.bootstrapIndex(of: $0) != nil })
  }
}
