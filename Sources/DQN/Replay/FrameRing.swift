import GridGames

/// The replay's storage: a preallocated ring of single frames (UInt8) and the per-step fields
/// (action, reward, flags). Slot of absolute index `i` is `i % capacity`.
///
/// Each slot holds the frame an action was taken in, or, after the last step of an episode, the
/// episode's final frame (a slot with no transition). Stacks and next observations are read
/// from neighbouring slots, so every frame is stored exactly once. The memory is allocated
/// uninitialised: pages become resident only as slots are written.
public final class FrameRing {
  public let capacity: Int
  public let frameShape: FrameShape
  public let frameBytes: Int
  /// Slots written since creation (absolute index of the next slot).
  public internal(set) var addedCount = 0
  let frames: UnsafeMutablePointer<UInt8>
  let actions: UnsafeMutablePointer<Int32>
  let rewards: UnsafeMutablePointer<Float>
  let flags: UnsafeMutablePointer<UInt8>

  /// Flag bits.
  static let terminatedBit: UInt8 = 1
  static let truncatedBit: UInt8 = 2
  static let episodeStartBit: UInt8 = 4
  static let transitionBit: UInt8 = 8

  /// - Precondition: `capacity >= 2`.
  public init(capacity: Int, frameShape: FrameShape) {
    precondition(capacity >= 2, "FrameRing needs capacity ≥ 2, got \(capacity)")
    self.capacity = capacity
    self.frameShape = frameShape
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

  /// The number of slots holding data.
  public var count: Int { min(addedCount, capacity) }
  /// The oldest absolute index still stored.
  public var oldestIndex: Int { max(0, addedCount - capacity) }

  /// Writes one slot and returns its ring position.
  @discardableResult
  func append(frame: Frame, action: Int, reward: Float, flags slotFlags: UInt8) -> Int {
    precondition(frame.shape == frameShape, "replay frames must be \(frameShape), got \(frame.shape)")
    let slot = addedCount % capacity
    frame.pixels.withUnsafeBufferPointer { source in
      guard let base = source.baseAddress else { return }
      (frames + slot * frameBytes).update(from: base, count: frameBytes)
    }
    actions[slot] = Int32(truncatingIfNeeded: action)
    rewards[slot] = reward
    flags[slot] = slotFlags
    addedCount += 1
    return slot
  }

  @inline(__always) func flags(at index: Int) -> UInt8 { flags[index % capacity] }
  @inline(__always) func reward(at index: Int) -> Float { rewards[index % capacity] }
  @inline(__always) func action(at index: Int) -> Int { Int(actions[index % capacity]) }
  @inline(__always) func frame(at index: Int) -> UnsafeMutablePointer<UInt8> { frames + (index % capacity) * frameBytes }

  /// The bytes held: frames plus the per-slot action (4), reward (4) and flags (1).
  public var allocatedBytes: Int { capacity * (frameBytes + 9) }
}
