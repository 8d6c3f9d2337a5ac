import DQN
import Foundation
import GridGames
import NeuralNetwork

/// The replay buffer file (`replay.bin`): header, counters, checksum, actions, rewards, flags and
/// priorities; a file that loads must then sample without trapping. The buffers are small
/// (capacity 8, 2×2 frames, 3 actions) and match the seed corpus, which
/// `DQN_FUZZ_WRITE_SEEDS=DIR FuzzReplayBuffer` writes.
private func makeBuffer(prioritized: Bool) -> ReplayBuffer {
  let shape = FrameShape(height: 2, width: 2, channels: 1)
  let ring = FrameRing(capacity: 8, frameShape: shape)
  let sampler: any ReplaySampler =
    prioritized
    ? PrioritizedSampler(
      capacity: 8, priorityExponent: 0.6, priorityEpsilon: 1e-6, importanceExponent: LinearSchedule(from: 0.4, to: 1, steps: 10))
    : UniformSampler()
  return ReplayBuffer(ring: ring, sampler: sampler, stackDepth: 2, nStep: 2, discount: 0.9)
}

private func fill(_ buffer: ReplayBuffer, steps: Int) {
  var pixel: UInt8 = 0
  for step in 0..<steps {
    pixel &+= 37
    let end = step % 5 == 4
    buffer.add(
      frame: Frame(height: 2, width: 2, channels: 1, pixels: [pixel, 1, 2, 3]), action: step % 3, reward: Float(step % 2),
      terminated: end && step % 2 == 0, truncated: end && step % 2 == 1)
    if end { buffer.addFinal(frame: Frame(height: 2, width: 2, channels: 1, pixels: [9, 9, 9, pixel])) }
  }
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
  guard let directory = ProcessInfo.processInfo.environment["DQN_FUZZ_WRITE_SEEDS"] else { return 0 }
  for (index, (steps, prioritized)) in [(0, false), (3, false), (12, false), (3, true), (12, true)].enumerated() {
    let buffer = makeBuffer(prioritized: prioritized)
    fill(buffer, steps: steps)
    let url = URL(fileURLWithPath: directory).appendingPathComponent("seed-\(index).bin")
    do { try buffer.write(to: url) } catch { fatalError("cannot write \(url.path): \(error)") }
  }
  exit(0)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = start.map { Data(bytes: $0, count: count) } ?? Data()
  for prioritized in [false, true] {
    let buffer = makeBuffer(prioritized: prioritized)
    guard (try? buffer.read(data, file: "replay.bin", actionCount: 3)) != nil else { continue }
    guard buffer.canSample else { continue }
    let batch = ReplayBatch(batchSize: 4, observationShape: buffer.observationShape)
    var rng = SplitMix64(seed: 5)
    buffer.sample(into: batch, step: 1, using: &rng)
  }
  return 0
}
