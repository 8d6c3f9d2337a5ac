import GridGames

/// The replay's storage: a preallocated ring of single frames (UInt8) and the per-step fields
/// (action, reward, flags).
///
/// Each slot holds the frame an action was taken in, or, after the last step of an episode, the
/// episode's final frame (a slot with no transition). Stacks and next observations are read
/// from neighbouring slots of the same stream, so every frame is stored exactly once. The memory
/// is allocated uninitialised: pages become resident only as slots are written.
///
/// Streams: `dqn train --envs N` (and every actor's copy) writes its own stream, so that stacks
/// and n-step returns never mix copies. The ring is cut into `streams` equal parts of
/// `streamCapacity` slots, one ring each. Stream `s`'s `i`-th slot ever written has the absolute
/// index `i · streams + s`; the neighbours of an absolute index in its stream are `± streams`.
/// With one stream (every single-loop run) the absolute index counts slots as it always did.
public final class FrameRing {
  /// Slots allocated (the sampler's size); `streams · streamCapacity` of them are used.
  public let capacity: Int
  public let frameShape: FrameShape
  public let frameBytes: Int
  public let streams: Int
  /// Slots per stream.
  public let streamCapacity: Int
  /// Slots written to each stream since creation.
  public internal(set) var addedCounts: [Int]
  let frames: UnsafeMutablePointer<UInt8>
  let actions: UnsafeMutablePointer<Int32>
  let rewards: UnsafeMutablePointer<Float>
  let flags: UnsafeMutablePointer<UInt8>

  /// Flag bits.
  static let terminatedBit: UInt8 = 1
  static let truncatedBit: UInt8 = 2
  static let episodeStartBit: UInt8 = 4
  static let transitionBit: UInt8 = 8

  /// - Precondition: `capacity >= 2 · streams`, `streams >= 1`.
  public init(capacity: Int, frameShape: FrameShape, streams: Int = 1) {
    precondition(streams >= 1, "FrameRing needs at least one stream, got \(streams)")
    precondition(capacity >= 2 * streams, "FrameRing needs capacity ≥ 2 per stream, got \(capacity) for \(streams) streams")
    self.capacity = capacity
    self.frameShape = frameShape
    self.streams = streams
    streamCapacity = capacity / streams
    addedCounts = [Int](repeating: 0, count: streams)
    frameBytes = frameShape.byteCount
    frames = .allocate(capacity: capacity * frameBytes)
    actions = .allocate(capacity: capacity)
    rewards = .allocate(capacity: capacity)
    flags = .allocate(capacity: capacity)
  }

  deinit {
    frames.deallocate()
    actions.deallocate()
    rewards.deallocate()
    flags.deallocate()
  }

  /// Slots written since creation, all streams together.
  public var addedCount: Int { addedCounts.reduce(0, +) }
  /// The number of slots holding data.
  public var count: Int { addedCounts.reduce(0) { $0 + min($1, streamCapacity) } }
  /// Slots of stream `stream` holding data.
  public func count(stream: Int) -> Int { min(addedCounts[stream], streamCapacity) }

  /// The absolute index of stream `stream`'s `local`-th slot.
  @inline(__always) public func absoluteIndex(stream: Int, local: Int) -> Int { local * streams + stream }
  /// The oldest absolute index stream `stream` still stores.
  public func oldestIndex(stream: Int) -> Int {
    absoluteIndex(stream: stream, local: max(0, addedCounts[stream] - streamCapacity))
  }
  /// The absolute index the next slot of `stream` gets.
  public func nextIndex(stream: Int) -> Int { absoluteIndex(stream: stream, local: addedCounts[stream]) }
  /// The oldest absolute index still stored (one stream only: what a single loop uses).
  public var oldestIndex: Int { oldestIndex(stream: 0) }

  /// Whether absolute `index` is written and still stored.
  @inline(__always) public func holds(_ index: Int) -> Bool {
    guard index >= 0 else { return false }
    let stream = index % streams
    let local = index / streams
    let added = addedCounts[stream]
    return local < added && local >= added - streamCapacity
  }

  /// The ring position of absolute `index`.
  @inline(__always) public func slot(of index: Int) -> Int {
    streams == 1 ? index % capacity : (index % streams) * streamCapacity + (index / streams) % streamCapacity
  }

  /// The absolute index stored at ring position `slot` (a position not yet written in its stream
  /// gives an index that `holds` rejects).
  public func absoluteIndex(ofSlot slot: Int) -> Int {
    let stream = min(slot / streamCapacity, streams - 1)
    let position = slot - stream * streamCapacity
    let oldest = max(0, addedCounts[stream] - streamCapacity)
    let local = oldest + ((position - oldest % streamCapacity) + streamCapacity) % streamCapacity
    return absoluteIndex(stream: stream, local: local)
  }

  /// The absolute index of the `position`-th stored slot, counting the streams' stored slots
  /// one stream after the other, oldest first (`0..<count`).
  public func absoluteIndex(ofStored position: Int) -> Int {
    var rest = position
    for stream in 0..<streams {
      let stored = count(stream: stream)
      if rest < stored { return absoluteIndex(stream: stream, local: max(0, addedCounts[stream] - streamCapacity) + rest) }
      rest -= stored
    }
    preconditionFailure("stored slot \(position) of \(count)")
  }

  /// Writes one slot of `stream` and returns its ring position.
  @discardableResult
  func append(frame: Frame, action: Int, reward: Float, flags slotFlags: UInt8, stream: Int = 0) -> Int {
    precondition(frame.shape == frameShape, "replay frames must be \(frameShape), got \(frame.shape)")
    let slot = self.slot(of: nextIndex(stream: stream))
    frame.pixels.withUnsafeBufferPointer { source in
      guard let base = source.baseAddress else { return }
      (frames + slot * frameBytes).update(from: base, count: frameBytes)
    }
    actions[slot] = Int32(truncatingIfNeeded: action)
    rewards[slot] = reward
    flags[slot] = slotFlags
    addedCounts[stream] += 1
    return slot
  }

  @inline(__always) func flags(at index: Int) -> UInt8 { flags[slot(of: index)] }
  @inline(__always) func reward(at index: Int) -> Float { rewards[slot(of: index)] }
  @inline(__always) func action(at index: Int) -> Int { Int(actions[slot(of: index)]) }
  @inline(__always) func frame(at index: Int) -> UnsafeMutablePointer<UInt8> { frames + slot(of: index) * frameBytes }

  /// The bytes held: frames plus the per-slot action (4), reward (4) and flags (1).
  public var allocatedBytes: Int { capacity * (frameBytes + 9) }
}
