import GridGames
import NeuralNetwork

/// Experience replay: a `FrameRing` that stores what happened and a `ReplaySampler` that picks
/// batches from it (uniformly or by priority). Stacks and n-step returns are formed when sampling.
///
/// Frames are stored once; an observation is the last `stackDepth` frames of its episode, and a
/// stack never reaches across an episode start: the episode's first frame repeats into the
/// earlier positions (as `ObservationStack` does after a reset), so sampled observations
/// equal what the agent saw when it acted. The n-step sum stops at the episode's end;
/// `terminated` rows get bootstrap discount 0, `truncated` rows bootstrap from the final frame.
///
/// Several environment copies each write a stream of their own (`FrameRing.streams`, the
/// `stream:` of `add` and `addFinal`): stacks and n-step returns follow one stream and never mix
/// copies.
public final class ReplayBuffer {
  public let ring: FrameRing
  public let sampler: any ReplaySampler
  public let stackDepth: Int
  public let nStep: Int
  public let discount: Float
  /// `[stackDepth · C, H, W]`.
  public let observationShape: [Int]
  /// Whether the next `add` of each stream starts an episode.
  public private(set) var streamsAtEpisodeStart: [Bool]
  /// Whether the next `add` (of stream 0) starts an episode.
  public var isAtEpisodeStart: Bool { streamsAtEpisodeStart[0] }
  /// The ring's streams.
  public var streams: Int { ring.streams }

  /// - Parameter sampler: one that has seen nothing (a `PrioritizedSampler` of `ring`'s capacity).
  /// - Precondition: `stackDepth >= 1`, `nStep >= 1`, an empty ring.
  public init(ring: FrameRing, sampler: any ReplaySampler, stackDepth: Int, nStep: Int = 1, discount: Float) {
    precondition(stackDepth >= 1 && nStep >= 1, "ReplayBuffer needs stackDepth ≥ 1 and nStep ≥ 1, got \(stackDepth), \(nStep)")
    precondition(ring.addedCount == 0, "ReplayBuffer needs an empty ring")
    self.ring = ring
    self.sampler = sampler
    self.stackDepth = stackDepth
    self.nStep = nStep
    self.discount = discount
    streamsAtEpisodeStart = [Bool](repeating: true, count: ring.streams)
    let shape = ring.frameShape
    observationShape = [stackDepth * shape.channels, shape.height, shape.width]
  }

  /// A buffer with the same settings that holds nothing (a checkpoint is read into it).
  public func emptyCopy() -> ReplayBuffer {
    ReplayBuffer(
      ring: FrameRing(capacity: capacity, frameShape: ring.frameShape, streams: ring.streams), sampler: sampler.makeEmpty(),
      stackDepth: stackDepth, nStep: nStep, discount: discount)
  }

  /// Slots holding data (transitions plus episodes' final frames).
  public var count: Int { ring.count }
  public var capacity: Int { ring.capacity }

  /// Stores one step of `stream`: `frame` is the frame the agent acted in (the newest of its
  /// stack).
  ///
  /// - Parameter priority: the transition's first priority as a TD error (an Ape-X actor's
  ///   estimate); nil gives it the largest priority seen.
  /// - Returns: its absolute index.
  @discardableResult
  public func add(
    frame: Frame, action: Int, reward: Float, terminated: Bool, truncated: Bool, stream: Int = 0, priority: Float? = nil
  ) -> Int {
    var bits = FrameRing.transitionBit
    if terminated { bits |= FrameRing.terminatedBit }
    if truncated { bits |= FrameRing.truncatedBit }
    if streamsAtEpisodeStart[stream] { bits |= FrameRing.episodeStartBit }
    let index = ring.nextIndex(stream: stream)
    let slot = ring.append(frame: frame, action: action, reward: reward, flags: bits, stream: stream)
    sampler.didStore(slot: slot, isTransition: true)
    if let priority { sampler.updatePriorities(indices: [index], errors: [priority], in: ring) }
    streamsAtEpisodeStart[stream] = false
    return index
  }

  /// Stores an episode's final frame (the observation after its last step) in `stream`, which
  /// truncated steps bootstrap from; the stream's next `add` starts a new episode.
  public func addFinal(frame: Frame, stream: Int = 0) {
    precondition(!streamsAtEpisodeStart[stream], "addFinal needs an episode with at least one step")
    let slot = ring.append(frame: frame, action: 0, reward: 0, flags: 0, stream: stream)
    sampler.didStore(slot: slot, isTransition: false)
    streamsAtEpisodeStart[stream] = true
  }

  /// Ends `stream`'s current episode without a final frame (an actor that restarted): its last
  /// steps can no longer be sampled, and the next `add` starts a new episode.
  public func abandonEpisode(stream: Int) {
    streamsAtEpisodeStart[stream] = true
  }

  /// The absolute index to bootstrap from when sampling transition `index`, or nil if `index`
  /// cannot be sampled yet (not a transition, its n steps or stacks not all stored).
  func bootstrapIndex(of index: Int) -> Int? {
    guard ring.holds(index) else { return nil }
    let stride = ring.streams
    var next = index
    for _ in 0..<nStep {
      guard ring.holds(next) else { return nil }
      let bits = ring.flags(at: next)
      guard bits & FrameRing.transitionBit != 0 else { return nil }
      // An abandoned episode (no final frame) is followed directly by the next one's start.
      if next != index && bits & FrameRing.episodeStartBit != 0 { return nil }
      next += stride
      if bits & (FrameRing.terminatedBit | FrameRing.truncatedBit) != 0 { break }
    }
    guard ring.holds(next), ring.flags(at: next) & FrameRing.episodeStartBit == 0, canStack(index), canStack(next)
    else { return nil }
    return next
  }

  /// Whether the stack ending at `index` is fully stored.
  private func canStack(_ index: Int) -> Bool {
    var current = index
    let stride = ring.streams
    for _ in 1..<max(stackDepth, 1) {
      if ring.flags(at: current) & FrameRing.episodeStartBit != 0 { return true }
      current -= stride
      if !ring.holds(current) { return false }
    }
    return true
  }

  /// Starts loading the frames of the stack ending at absolute `index` into the caches.
  private func prefetchStack(endingAt index: Int) {
    let frameBytes = ring.frameBytes
    var current = index
    for position in stride(from: stackDepth - 1, through: 0, by: -1) {
      MemoryHints.prefetch(ring.frame(at: current), bytes: frameBytes)
      if position > 0 && ring.flags(at: current) & FrameRing.episodeStartBit == 0 { current -= ring.streams }
    }
  }

  /// Writes the stacked observation ending at absolute `index` at `destination` (`k·C·H·W` floats).
  private func writeStack(endingAt index: Int, into destination: UnsafeMutablePointer<Float>) {
    let shape = ring.frameShape
    let frameFloats = shape.byteCount
    var current = index
    for position in stride(from: stackDepth - 1, through: 0, by: -1) {
      FramePixels.write(ring.frame(at: current), shape: shape, into: destination + position * frameFloats)
      if position > 0 && ring.flags(at: current) & FrameRing.episodeStartBit == 0 { current -= ring.streams }
    }
  }

  /// Whether `sample` can draw: at least one stored transition is complete.
  public var canSample: Bool {
    for stream in 0..<ring.streams {
      let oldest = ring.oldestIndex(stream: stream)
      let end = ring.nextIndex(stream: stream)
      var index = end - ring.streams
      while index >= oldest {
        if bootstrapIndex(of: index) != nil { return true }
        index -= ring.streams
        if (end - index) / ring.streams > 4 * (nStep + stackDepth) + 8 { break }
      }
    }
    return false
  }

  /// Fills `batch` with `batch.batchSize` transitions the sampler picks, and their weights.
  ///
  /// - Parameter step: the environment step (prioritized sampling anneals β with it).
  /// - Precondition: `canSample`.
  public func sample<G: RandomNumberGenerator>(into batch: ReplayBatch, step: Int, using rng: inout G) {
    precondition(ring.count > 0, "sample from an empty replay buffer")
    precondition(batch.observations.shape.first == batch.batchSize && batch.observations.shape.dropFirst().elementsEqual(observationShape),
      "batch observations \(batch.observations.shape) do not fit \(observationShape)")
    let rows = batch.batchSize
    let floatsPerObservation = observationShape.reduce(1, *)
    for row in 0..<rows {
      var index = 0
      var bootstrap = 0
      var attempt = 0
      while true {
        attempt += 1
        if attempt > Self.samplingAttempts {
          // The sampler's mass lies on slots that cannot be sampled yet (only priorities from a
          // damaged or forged file do this): take the first complete transition from a random slot.
          (index, bootstrap) = firstCompleteTransition(using: &rng)
          break
        }
        index = sampler.candidate(row: row, of: rows, attempt: attempt, in: ring, using: &rng)
        if let found = bootstrapIndex(of: index) {
          bootstrap = found
          break
        }
      }
      let base = index
      let stride = ring.streams
      let result = nStepReturn(steps: (bootstrap - base) / stride, discount: discount) { k in
        let bits = ring.flags(at: base + k * stride)
        return (ring.reward(at: base + k * stride), bits & FrameRing.terminatedBit != 0, bits & FrameRing.truncatedBit != 0)
      }
      batch.actions[row] = ring.action(at: index)
      batch.rewards[row] = result.reward
      batch.bootstrapDiscounts[row] = result.bootstrapDiscount
      batch.indices[row] = index
      batch.bootstrapIndices[row] = bootstrap
      // The frames lie at random in a ring of megabytes: ask for all the rows' frames first, then
      // read them (the misses overlap instead of coming one after another).
      prefetchStack(endingAt: index)
      prefetchStack(endingAt: bootstrap)
    }
    batch.observations.withUnsafeMutableBufferPointer { buffer in
      guard let start = buffer.baseAddress else { return }
      for row in 0..<rows { writeStack(endingAt: batch.indices[row], into: start + row * floatsPerObservation) }
    }
    batch.nextObservations.withUnsafeMutableBufferPointer { buffer in
      guard let start = buffer.baseAddress else { return }
      for row in 0..<rows { writeStack(endingAt: batch.bootstrapIndices[row], into: start + row * floatsPerObservation) }
    }
    sampler.weigh(batch, in: ring, step: step)
  }

  /// Draws from the sampler before falling back to a scan.
  static let samplingAttempts = 10_000

  /// The first sampleable transition at or after a random stored slot (wrapping), and its
  /// bootstrap index.
  ///
  /// - Precondition: `canSample`.
  private func firstCompleteTransition<G: RandomNumberGenerator>(using rng: inout G) -> (index: Int, bootstrap: Int) {
    let oldest = ring.oldestIndex
    let count = ring.count
    let start = Int.random(in: 0..<count, using: &rng)
    for offset in 0..<count {
      let index = oldest + (start + offset) % count
      if let bootstrap = bootstrapIndex(of: index) { return (index, bootstrap) }
    }
    preconditionFailure("replay sampling found no complete transition in \(count) slots (sample needs canSample)")
  }

  /// Passes the TD errors of the transitions at absolute `indices` to the sampler.
  public func updatePriorities(indices: [Int], errors: [Float]) {
    sampler.updatePriorities(indices: indices, errors: errors, in: ring)
  }

  // MARK: - Checkpoint support

  func restore(addedCounts: [Int], atEpisodeStart: [Bool]) {
    ring.addedCounts = addedCounts
    streamsAtEpisodeStart = atEpisodeStart
  }
}
