import FileIO
import Foundation

/// `replay.bin`: a 12-byte magic, eight little-endian Int64 fields (capacity, frame bytes, slots
/// added, frame stack, n, prioritized, at an episode start, the largest priority's bits), the
/// stored slots' frames, actions (Int32), rewards (Float32) and flags (UInt8), the priorities
/// (Float64, one per slot) when prioritized, and, from version 2, the CRC-32C of everything
/// before it (UInt32). Version 3 is a buffer of several streams (`--envs`, actors): after the
/// eight fields come the stream count and each stream's slots added and episode-start flag, and
/// each field's slots are stored stream after stream. A buffer of one stream is written as
/// version 2, so single-loop runs keep the format they always had, plus the checksum.
extension ReplayBuffer {
  private static let magicVersion1 = Array("DQNREPLAY1\n\0".utf8)
  private static let magic = Array("DQNREPLAY2\n\0".utf8)
  private static let magicStreams = Array("DQNREPLAY3\n\0".utf8)
  /// The most slots a file may say were ever added (far beyond any run; keeps index sums exact).
  static let maximumAddedCount = 1 << 50

  /// Where stream `stream`'s stored slots start in the ring (they are contiguous from there).
  private func firstSlot(ofStream stream: Int) -> Int { stream * ring.streamCapacity }

  /// Writes the whole buffer (frames, fields, positions and the sampler's priorities) to `url`
  /// atomically, with a checksum.
  public func write(to url: URL) throws(ReplayFileError) {
    let saved = sampler.savedPriorities
    let streams = ring.streams
    do {
      try AtomicFile.write(to: url) { handle in
        var checksum: UInt32 = 0
        func write(_ data: Data) throws {
          data.withUnsafeBytes { checksum = CRC32C.extend(checksum, with: $0) }
          try handle.write(contentsOf: data)
        }
        var header = Data(streams == 1 ? Self.magic : Self.magicStreams)
        var fields: [Int64] = [
          Int64(capacity), Int64(ring.frameBytes), Int64(ring.addedCount), Int64(stackDepth), Int64(nStep),
          sampler.keepsPriorities ? 1 : 0, isAtEpisodeStart ? 1 : 0, Int64((saved?.maxPriority ?? 1).bitPattern),
        ]
        if streams > 1 {
          fields.append(Int64(streams))
          for stream in 0..<streams {
            fields.append(Int64(ring.addedCounts[stream]))
            fields.append(streamsAtEpisodeStart[stream] ? 1 : 0)
          }
        }
        for field in fields { withUnsafeBytes(of: field.littleEndian) { header.append(contentsOf: $0) } }
        try write(header)
        let chunkSlots = max(1, (8 << 20) / max(ring.frameBytes, 1))
        for stream in 0..<streams {
          let stored = ring.count(stream: stream)
          let first = firstSlot(ofStream: stream)
          var slot = 0
          while slot < stored {
            let slots = min(chunkSlots, stored - slot)
            try write(Data(bytes: ring.frames + (first + slot) * ring.frameBytes, count: slots * ring.frameBytes))
            slot += slots
          }
        }
        for stream in 0..<streams {
          try write(Data(bytes: ring.actions + firstSlot(ofStream: stream), count: ring.count(stream: stream) * 4))
        }
        for stream in 0..<streams {
          try write(Data(bytes: ring.rewards + firstSlot(ofStream: stream), count: ring.count(stream: stream) * 4))
        }
        for stream in 0..<streams {
          try write(Data(bytes: ring.flags + firstSlot(ofStream: stream), count: ring.count(stream: stream)))
        }
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
  /// n, streams and kind of sampler).
  ///
  /// - Parameter actionCount: the number of actions; a stored action outside `0..<actionCount`
  ///   is an error (nil: not checked).
  public func read(from url: URL, actionCount: Int? = nil) throws(ReplayFileError) {
    guard let data = FileManager.default.contents(atPath: url.path) else { throw .missing(file: url.path) }
    try read(data, file: url.path, actionCount: actionCount)
  }

  /// Loads a buffer from a replay file's bytes; `file` names it in errors. Everything is checked
  /// before this buffer changes: the checksum, every header field, the length, every action,
  /// reward, flag and priority, and that each stream's slots form whole episodes (an episode an
  /// actor abandoned may end without its final frame).
  public func read(_ data: Data, file: String, actionCount: Int? = nil) throws(ReplayFileError) {
    let bytes = [UInt8](data)
    let magicSize = Self.magic.count
    let prefix = Array(bytes.prefix(magicSize))
    guard prefix == Self.magic || prefix == Self.magicVersion1 || prefix == Self.magicStreams else {
      if bytes.count < magicSize { throw .truncated(file: file) }
      throw .corrupt(file: file, detail: "it does not start with the replay file's magic 'DQNREPLAY2' (or 3)")
    }
    let trailer = prefix == Self.magicVersion1 ? 0 : 4
    guard bytes.count >= magicSize + 8 * 8 + trailer else { throw .truncated(file: file) }
    if trailer > 0 {
      let body = bytes.count - trailer
      let stored = (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[body + $1]) << (8 * UInt32($1)) }
      let computed = bytes.withUnsafeBytes { CRC32C.extend(0, with: UnsafeRawBufferPointer(rebasing: $0[..<body])) }
      guard stored == computed else {
        throw .corrupt(file: file, detail: "its checksum does not match its contents (the file is damaged or cut short)")
      }
    }
    func field(_ index: Int) -> Int64 {
      bytes.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(fromByteOffset: magicSize + 8 * index, as: Int64.self)) }
    }
    let fields: [Int64] = (0..<8).map(field)
    let keepsPriorities = sampler.keepsPriorities
    var fileStreams: Int64 = 1
    if prefix == Self.magicStreams {
      guard bytes.count >= magicSize + 9 * 8 + trailer else { throw .truncated(file: file) }
      fileStreams = field(8)
    }
    let expected: [(String, Int64, Int64)] = [
      ("capacity", fields[0], Int64(capacity)), ("frame bytes", fields[1], Int64(ring.frameBytes)),
      ("frame stack", fields[3], Int64(stackDepth)), ("n-step", fields[4], Int64(nStep)),
      ("prioritized", fields[5], keepsPriorities ? 1 : 0),
      ("streams (environment copies)", fileStreams, Int64(ring.streams)),
    ]
    for (name, found, wanted) in expected where found != wanted {
      throw .mismatch(file: file, detail: "\(name) is \(found), the run needs \(wanted)")
    }
    let streams = ring.streams
    var headerSize = magicSize + 8 * 8
    var addedCounts: [Int64]
    var atStartFields: [Int64]
    if streams == 1 {
      addedCounts = [fields[2]]
      atStartFields = [fields[6]]
    } else {
      headerSize += 8 * (1 + 2 * streams)
      guard bytes.count >= headerSize + trailer else { throw .truncated(file: file) }
      addedCounts = (0..<streams).map { field(9 + 2 * $0) }
      atStartFields = (0..<streams).map { field(10 + 2 * $0) }
    }
    for (stream, added) in addedCounts.enumerated() where !(0...Int64(Self.maximumAddedCount)).contains(added) {
      let name = streams == 1 ? "slots added" : "stream \(stream)'s slots added"
      throw .corrupt(file: file, detail: "\(name) is \(added), allowed 0...\(Self.maximumAddedCount)")
    }
    for (stream, atStart) in atStartFields.enumerated() where atStart != 0 && atStart != 1 {
      let name = streams == 1 ? "the episode-start field" : "stream \(stream)'s episode-start field"
      throw .corrupt(file: file, detail: "\(name) is \(atStart), allowed 0 or 1")
    }
    let added = addedCounts.map { Int($0) }
    let storedCounts = added.map { min($0, ring.streamCapacity) }
    let stored = storedCounts.reduce(0, +)
    let leafBytes = keepsPriorities ? capacity * 8 : 0
    let bodySize = stored * (ring.frameBytes + 9) + leafBytes
    guard bytes.count == headerSize + bodySize + trailer else {
      throw .corrupt(
        file: file,
        detail: "it holds \(bytes.count) bytes, but \(stored) stored slots need \(headerSize + bodySize + trailer)")
    }
    // Where each stream's stored slots begin within each field's block (in slots).
    var streamOffsets = [Int](repeating: 0, count: streams)
    for stream in 1..<max(streams, 1) { streamOffsets[stream] = streamOffsets[stream - 1] + storedCounts[stream - 1] }
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
    let ended = FrameRing.terminatedBit | FrameRing.truncatedBit
    for stream in 0..<streams {
      // The stream's slots in the order they were added (local indices oldest...added-1).
      let oldest = added[stream] - storedCounts[stream]
      var previousFlags: UInt8?
      for local in oldest..<added[stream] {
        let position = local % ring.streamCapacity
        let entry = streamOffsets[stream] + position
        let slot = firstSlot(ofStream: stream) + position
        let action = Int(Int32(littleEndian: load(Int32.self, actionsAt + entry * 4)))
        let reward = Float(bitPattern: UInt32(littleEndian: load(UInt32.self, rewardsAt + entry * 4)))
        let flags = bytes[flagsAt + entry]
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
          // After a final frame an episode starts; after an ended step comes its final frame;
          // after any other step the episode goes on, or (abandoned by an actor) a new one starts.
          let consistent =
            previous == 0
            ? isTransition && flags & FrameRing.episodeStartBit != 0
            : previous & ended != 0 ? !isTransition : isTransition
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
      let atEpisodeStart = atStartFields[stream] != 0
      let agrees: Bool
      switch previousFlags {
      case nil: agrees = atEpisodeStart
      case 0: agrees = atEpisodeStart
      case let last?: agrees = last & ended != 0 ? !atEpisodeStart : true
      }
      guard agrees else {
        let name = streams == 1 ? "the episode-start field" : "stream \(stream)'s episode-start field"
        throw .corrupt(file: file, detail: "\(name) disagrees with the last slot")
      }
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
      for stream in 0..<streams {
        let first = firstSlot(ofStream: stream)
        let offset = streamOffsets[stream]
        let count = storedCounts[stream]
        (ring.frames + first * ring.frameBytes).update(
          from: (base + headerSize + offset * ring.frameBytes).assumingMemoryBound(to: UInt8.self),
          count: count * ring.frameBytes)
        UnsafeMutableRawPointer(ring.actions + first).copyMemory(from: base + actionsAt + offset * 4, byteCount: count * 4)
        UnsafeMutableRawPointer(ring.rewards + first).copyMemory(from: base + rewardsAt + offset * 4, byteCount: count * 4)
        UnsafeMutableRawPointer(ring.flags + first).copyMemory(from: base + flagsAt + offset, byteCount: count)
      }
    }
    restore(addedCounts: added, atEpisodeStart: atStartFields.map { $0 != 0 })
    if let leaves { sampler.restorePriorities(maxPriority: maxPriority, leaves: leaves) }
  }
}
