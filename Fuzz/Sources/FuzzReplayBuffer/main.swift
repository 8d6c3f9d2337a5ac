import DQN
import Foundation
import GridGames
import NeuralNetwork

/// The replay buffer file (`replay.bin`): header, counters, checksum, actions, rewards, flags and
/// priorities; a file that loads must then sample without trapping. The buffers are small
/// (capacity 8, 2×2 frames, 3 actions; one stream, or two as `--envs 2` makes: format 3) and
/// match the seed corpus, which `DQN_FUZZ_WRITE_SEEDS=DIR FuzzReplayBuffer` writes.
private func makeBuffer(prioritized: Bool, streams: Int = 1) -> ReplayBuffer {
  let shape = FrameShape(height: 2, width: 2, channels: 1)
  let ring = FrameRing(capacity: 8, frameShape: shape, streams: streams)
  let sampler: any ReplaySampler =
    prioritized
    ? PrioritizedSampler(
      capacity: 8, priorityExponent: 0.6, priorityEpsilon: 1e-6, importanceExponent: LinearSchedule(from: 0.4, to: 1, steps: 10))
    : UniformSampler()
  return ReplayBuffer(ring: ring, sampler: sampler, stackDepth: 2, nStep: 2, discount: 0.9)
}

private func fill(_ buffer: ReplayBuffer, steps: Int, streams: Int = 1) {
  var pixel: UInt8 = 0
  for step in 0..<steps {
    pixel &+= 37
    let stream = step % streams
    let local = step / streams
    let end = local % 5 == 4
    buffer.add(
      frame: Frame(height: 2, width: 2, channels: 1, pixels: [pixel, 1, 2, 3]), action: step % 3, reward: Float(step % 2),
      terminated: end && local % 2 == 0, truncated: end && local % 2 == 1, stream: stream)
    if end { buffer.addFinal(frame: Frame(height: 2, width: 2, channels: 1, pixels: [9, 9, 9, pixel]), stream: stream) }
  }
  // An actor that restarted leaves its last stream's episode without a final frame.
  if streams > 1 && steps > 0 { buffer.abandonEpisode(stream: streams - 1) }
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
  guard let directory = ProcessInfo.processInfo.environment["DQN_FUZZ_WRITE_SEEDS"] else { return 0 }
  let seeds = [(0, false, 1), (3, false, 1), (12, false, 1), (3, true, 1), (12, true, 1), (7, false, 2), (19, true, 2)]
  for (index, (steps, prioritized, streams)) in seeds.enumerated() {
    let buffer = makeBuffer(prioritized: prioritized, streams: streams)
    fill(buffer, steps: steps, streams: streams)
    let url = URL(fileURLWithPath: directory).appendingPathComponent("seed-\(index).bin")
    do { try buffer.write(to: url) } catch { fatalError("cannot write \(url.path): \(error)") }
  }
  exit(0)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = start.map { Data(bytes: $0, count: count) } ?? Data()
  for (prioritized, streams) in [(false, 1), (true, 1), (false, 2), (true, 2)] {
    let buffer = makeBuffer(prioritized: prioritized, streams: streams)
    guard (try? buffer.read(data, file: "replay.bin", actionCount: 3)) != nil else { continue }
    guard buffer.canSample else { continue }
    let batch = ReplayBatch(batchSize: 4, observationShape: buffer.observationShape)
    var rng = SplitMix64(seed: 5)
    buffer.sample(into: batch, step: 1, using: &rng)
  }
  return 0
}
