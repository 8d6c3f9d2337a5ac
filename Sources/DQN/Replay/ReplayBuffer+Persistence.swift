import FileIO
import Foundation

/// `replay.bin`: a 12-byte magic, eight little-endian Int64 fields (capacity, frame bytes, slots
/// added, frame stack, n, prioritized, at an episode start, the largest priority's bits), the
/// stored slots' frames, actions (Int32), rewards (Float32) and flags (UInt8), the priorities
/// (Float64, one per slot) when prioritized, and, from version 2, the CRC-32C of everything
/// before it (UInt32).
extension ReplayBuffer {
  private static let magicVersion1 = Array("DQNREPLAY1\n\0".utf8)
  private static let magic = Array("DQNREPLAY2\n\0".utf8)
  /// The most slots a file may say were ever added (far beyond any run; keeps index sums exact).
  static let maximumAddedCount = 1 << 50

  /// Writes the whole buffer (frames, fields, positions and the sampler's priorities) to `url`
  /// atomically, with a checksum.
  public func write(to url: URL) throws(ReplayFileError) {
    let saved = sampler.savedPriorities
    do {
      try AtomicFile.write(to: url) { handle in
        var checksum: UInt32 = 0
        func write(_ data: Data) throws {
          data.withUnsafeBytes { checksum = CRC32C.extend(checksum, with: $0) }
          try handle.write(contentsOf: data)
        }
        var header = Data(Self.magic)
        let fields: [Int64] = [
          Int64(capacity), Int64(ring.frameBytes), Int64(ring.addedCount), Int64(stackDepth), Int64(nStep),
          sampler.keepsPriorities ? 1 : 0, isAtEpisodeStart ? 1 : 0, Int64((saved?.maxPriority ?? 1).bitPattern),
        ]
        for field in fields { withUnsafeBytes(of: field.littleEndian) { header.append(contentsOf: $0) } }
        try write(header)
        let stored = ring.count
        let chunkSlots = max(1, (8 << 20) / max(ring.frameBytes, 1))
        var slot = 0
        while slot < stored {
          let slots = min(chunkSlots, stored - slot)
          try write(Data(bytes: ring.frames + slot * ring.frameBytes, count: slots * ring.frameBytes))
          slot += slots
        }
        try write(Data(bytes: ring.actions, count: stored * 4))
        try write(Data(bytes: ring.rewards, count: stored * 4))
        try write(Data(bytes: ring.flags, count: stored))
        if let leaves = saved?.leaves {
          try leaves.withUnsafeBytes { try write(Data($0)) }
        }
        try handle.write(contentsOf: withUnsafeBytes(of: checksum.littleEndian) { Data($0) })
      }
    } catch {
      throw .unwritable(file: url.path, detail: error.detail)
    }
  }

  /// Loads a buffer written by `write(to:)` into this one (same capacity, frame size, stacking,
  /// n and kind of sampler).
  ///
  /// - Parameter actionCount: the number of actions; a stored action outside `0..<actionCount`
  ///   is an error (nil: not checked).
  public func read(from url: URL, actionCount: Int? = nil) throws(ReplayFileError) {
    guard let data = FileManager.default.contents(atPath: url.path) else { throw .missing(file: url.path) }
    try read(data, file: url.path, actionCount: actionCount)
  }

  /// Loads a buffer from a replay file's bytes; `file` names it in errors. Everything is checked
  /// before this buffer changes: the checksum, every header field, the length, every action,
  /// reward, flag and priority, and that the slots form whole episodes.
  public func read(_ data: Data, file: String, actionCount: Int? = nil) throws(ReplayFileError) {
    let bytes = [UInt8](data)
    let headerSize = Self.magic.count + 8 * 8
    let prefix = Array(bytes.prefix(Self.magic.count))
    guard prefix == Self.magic || prefix == Self.magicVersion1 else {
      if bytes.count < Self.magic.count { throw .truncated(file: file) }
      throw .corrupt(file: file, detail: "it does not start with the replay file's magic 'DQNREPLAY2'")
    }
    let trailer = prefix == Self.magic ? 4 : 0
    guard bytes.count >= headerSize + trailer else { throw .truncated(file: file) }
    if trailer > 0 {
      let body = bytes.count - trailer
      let stored = (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[body + $1]) << (8 * UInt32($1)) }
      let computed = bytes.withUnsafeBytes { CRC32C.extend(0, with: UnsafeRawBufferPointer(rebasing: $0[..<body])) }
      guard stored == computed else {
        throw .corrupt(file: file, detail: "its checksum does not match its contents (the file is damaged or cut short)")
      }
    }
    let fields: [Int64] = (0..<8).map { index in
      bytes.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(fromByteOffset: Self.magic.count + 8 * index, as: Int64.self)) }
    }
    let keepsPriorities = sampler.keepsPriorities
    let expected: [(String, Int64, Int64)] = [
      ("capacity", fields[0], Int64(capacity)), ("frame bytes", fields[1], Int64(ring.frameBytes)),
      ("frame stack", fields[3], Int64(stackDepth)), ("n-step", fields[4], Int64(nStep)),
      ("prioritized", fields[5], keepsPriorities ? 1 : 0),
    ]
    for (name, found, wanted) in expected where found != wanted {
      throw .mismatch(file: file, detail: "\(name) is \(found), the run needs \(wanted)")
    }
    guard (0...Int64(Self.maximumAddedCount)).contains(fields[2]) else {
      throw .corrupt(file: file, detail: "slots added is \(fields[2]), allowed 0...\(Self.maximumAddedCount)")
    }
    guard fields[6] == 0 || fields[6] == 1 else {
      throw .corrupt(file: file, detail: "the episode-start field is \(fields[6]), allowed 0 or 1")
    }
    let addedCount = Int(fields[2])
    let stored = min(addedCount, capacity)
    let leafBytes = keepsPriorities ? capacity * 8 : 0
    let bodySize = stored * (ring.frameBytes + 9) + leafBytes
    guard bytes.count == headerSize + bodySize + trailer else {
      throw .corrupt(
        file: file,
        detail: "it holds \(bytes.count) bytes, but \(stored) stored slots need \(headerSize + bodySize + trailer)")
    }
    let actionsAt = headerSize + stored * ring.frameBytes
    let rewardsAt = actionsAt + stored * 4
    let flagsAt = rewardsAt + stored * 4
    let leavesAt = flagsAt + stored
    func load<T>(_ type: T.Type, _ offset: Int) -> T {
      bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: type) }
    }
    let maxPriority = Double(bitPattern: UInt64(bitPattern: fields[7]))
    if keepsPriorities {
      guard maxPriority.isFinite, maxPriority > 0 else {
        throw .corrupt(file: file, detail: "the largest priority is \(maxPriority), allowed a finite number > 0")
      }
    }
    // The slots in the order they were added (absolute indices oldest...added-1).
    let oldest = addedCount - stored
    var previousFlags: UInt8?
    for index in oldest..<addedCount {
      let slot = index % capacity
      let action = Int(Int32(littleEndian: load(Int32.self, actionsAt + slot * 4)))
      let reward = Float(bitPattern: UInt32(littleEndian: load(UInt32.self, rewardsAt + slot * 4)))
      let flags = bytes[flagsAt + slot]
      let place = "slot \(slot)"
      guard flags & ~0x0F == 0, flags & FrameRing.transitionBit != 0 || flags == 0 else {
        throw .corrupt(file: file, detail: "\(place) has flags \(flags), not a valid combination")
      }
      let isTransition = flags != 0
      if isTransition, let actionCount, !(0..<actionCount).contains(action) {
        throw .corrupt(file: file, detail: "\(place) holds action \(action), allowed 0..<\(actionCount)")
      }
      guard reward.isFinite else { throw .corrupt(file: file, detail: "\(place) holds reward \(reward)") }
      if let previous = previousFlags {
        let previousEnded = previous & (FrameRing.terminatedBit | FrameRing.truncatedBit) != 0
        let consistent =
          previous == 0
          ? isTransition && flags & FrameRing.episodeStartBit != 0
          : previousEnded ? !isTransition : isTransition && flags & FrameRing.episodeStartBit == 0
        guard consistent else {
          throw .corrupt(file: file, detail: "\(place) (flags \(flags)) cannot follow flags \(previous): the episodes are broken")
        }
      }
      if keepsPriorities {
        let leaf = load(Double.self, leavesAt + slot * 8)
        guard leaf.isFinite, isTransition ? leaf > 0 : leaf == 0 else {
          throw .corrupt(
            file: file, detail: "\(place) has priority \(leaf), allowed a finite number > 0 (0 for a final frame)")
        }
      }
      previousFlags = flags
    }
    let atEpisodeStart = fields[6] != 0
    guard previousFlags.map({ ($0 == 0) == atEpisodeStart }) ?? atEpisodeStart else {
      throw .corrupt(file: file, detail: "the episode-start field disagrees with the last slot")
    }
    var leaves: [Double]?
    if keepsPriorities {
      var values = [Double](repeating: 0, count: capacity)
      for slot in 0..<capacity { values[slot] = load(Double.self, leavesAt + slot * 8) }
      guard values.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
        throw .corrupt(file: file, detail: "a priority of an empty slot is not a finite number ≥ 0")
      }
      leaves = values
    }
    bytes.withUnsafeBytes { raw in
      guard let base = raw.baseAddress else { return }
      ring.frames.update(from: (base + headerSize).assumingMemoryBound(to: UInt8.self), count: stored * ring.frameBytes)
      UnsafeMutableRawPointer(ring.actions).copyMemory(from: base + actionsAt, byteCount: stored * 4)
      UnsafeMutableRawPointer(ring.rewards).copyMemory(from: base + rewardsAt, byteCount: stored * 4)
      UnsafeMutableRawPointer(ring.flags).copyMemory(from: base + flagsAt, byteCount: stored)
    }
    restore(addedCount: addedCount, isAtEpisodeStart: atEpisodeStart)
    if let leaves { sampler.restorePriorities(maxPriority: maxPriority, leaves: leaves) }
  }
}
