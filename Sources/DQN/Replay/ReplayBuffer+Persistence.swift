import FileIO
import Foundation

extension ReplayBuffer {
  /// One stream: the format every single-loop run has always written.
  private static let magic = Array("DQNREPLAY1\n\0".utf8)
  /// Several streams: the same header, then the stream count and each stream's slot count and
  /// episode-start flag; the body holds each field stream after stream.
  private static let streamsMagic = Array("DQNREPLAY2\n\0".utf8)

  /// Where stream `stream`'s stored slots start in the ring (they are contiguous from there).
  private func firstSlot(ofStream stream: Int) -> Int { stream * ring.streamCapacity }

  /// Writes the whole buffer (frames, fields, positions and the sampler's priorities) to `url`
  /// atomically.
  public func write(to url: URL) throws(ReplayFileError) {
    let saved = sampler.savedPriorities
    let streams = ring.streams
    do {
      try AtomicFile.write(to: url) { handle in
        var header = Data(streams == 1 ? Self.magic : Self.streamsMagic)
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
        try handle.write(contentsOf: header)
        let chunkSlots = max(1, (8 << 20) / max(ring.frameBytes, 1))
        for stream in 0..<streams {
          let stored = ring.count(stream: stream)
          let first = firstSlot(ofStream: stream)
          var slot = 0
          while slot < stored {
            let slots = min(chunkSlots, stored - slot)
            try handle.write(
              contentsOf: Data(bytes: ring.frames + (first + slot) * ring.frameBytes, count: slots * ring.frameBytes))
            slot += slots
          }
        }
        for stream in 0..<streams {
          try handle.write(contentsOf: Data(bytes: ring.actions + firstSlot(ofStream: stream), count: ring.count(stream: stream) * 4))
        }
        for stream in 0..<streams {
          try handle.write(contentsOf: Data(bytes: ring.rewards + firstSlot(ofStream: stream), count: ring.count(stream: stream) * 4))
        }
        for stream in 0..<streams {
          try handle.write(contentsOf: Data(bytes: ring.flags + firstSlot(ofStream: stream), count: ring.count(stream: stream)))
        }
        if let leaves = saved?.leaves {
          try leaves.withUnsafeBytes { try handle.write(contentsOf: Data($0)) }
        }
      }
    } catch {
      throw .unwritable(file: url.path, detail: error.detail)
    }
  }

  /// Loads a buffer written by `write(to:)` into this one (same capacity, frame size, stacking,
  /// n, streams and kind of sampler).
  public func read(from url: URL) throws(ReplayFileError) {
    guard let data = FileManager.default.contents(atPath: url.path) else { throw .missing(file: url.path) }
    let magicSize = Self.magic.count
    guard data.count >= magicSize + 8 * 8 else { throw .truncated(file: url.path) }
    let magic = Array(data.prefix(magicSize))
    guard magic == Self.magic || magic == Self.streamsMagic else { throw .truncated(file: url.path) }
    func field(_ index: Int) -> Int64 {
      data.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(fromByteOffset: magicSize + 8 * index, as: Int64.self)) }
    }
    let fields: [Int64] = (0..<8).map(field)
    var fileStreams: Int64 = 1
    if magic == Self.streamsMagic {
      guard data.count >= magicSize + 9 * 8 else { throw .truncated(file: url.path) }
      fileStreams = field(8)
    }
    let keepsPriorities = sampler.keepsPriorities
    let expected: [(String, Int64, Int64)] = [
      ("capacity", fields[0], Int64(capacity)), ("frame bytes", fields[1], Int64(ring.frameBytes)),
      ("frame stack", fields[3], Int64(stackDepth)), ("n-step", fields[4], Int64(nStep)),
      ("prioritized", fields[5], keepsPriorities ? 1 : 0), ("streams (environment copies)", fileStreams, Int64(ring.streams)),
    ]
    for (name, found, wanted) in expected where found != wanted {
      throw .mismatch(file: url.path, detail: "\(name) is \(found), the run needs \(wanted)")
    }
    let streams = ring.streams
    var addedCounts: [Int]
    var atStart: [Bool]
    var headerSize = magicSize + 8 * 8
    if streams == 1 {
      addedCounts = [Int(fields[2])]
      atStart = [fields[6] != 0]
    } else {
      headerSize += 8 * (1 + 2 * streams)
      guard data.count >= headerSize else { throw .truncated(file: url.path) }
      addedCounts = (0..<streams).map { Int(field(9 + 2 * $0)) }
      atStart = (0..<streams).map { field(10 + 2 * $0) != 0 }
    }
    guard addedCounts.allSatisfy({ $0 >= 0 }) else { throw .truncated(file: url.path) }
    let storedCounts = addedCounts.map { min($0, ring.streamCapacity) }
    let stored = storedCounts.reduce(0, +)
    let leafBytes = keepsPriorities ? capacity * 8 : 0
    let bodySize = stored * (ring.frameBytes + 9) + leafBytes
    guard data.count == headerSize + bodySize else { throw .truncated(file: url.path) }
    var leaves: [Double]?
    data.withUnsafeBytes { raw in
      guard let base = raw.baseAddress else { return }
      var offset = headerSize
      for stream in 0..<streams {
        let bytes = storedCounts[stream] * ring.frameBytes
        (ring.frames + firstSlot(ofStream: stream) * ring.frameBytes).update(
          from: (base + offset).assumingMemoryBound(to: UInt8.self), count: bytes)
        offset += bytes
      }
      for stream in 0..<streams {
        UnsafeMutableRawPointer(ring.actions + firstSlot(ofStream: stream)).copyMemory(
          from: base + offset, byteCount: storedCounts[stream] * 4)
        offset += storedCounts[stream] * 4
      }
      for stream in 0..<streams {
        UnsafeMutableRawPointer(ring.rewards + firstSlot(ofStream: stream)).copyMemory(
          from: base + offset, byteCount: storedCounts[stream] * 4)
        offset += storedCounts[stream] * 4
      }
      for stream in 0..<streams {
        UnsafeMutableRawPointer(ring.flags + firstSlot(ofStream: stream)).copyMemory(
          from: base + offset, byteCount: storedCounts[stream])
        offset += storedCounts[stream]
      }
      if keepsPriorities {
        var values = [Double](repeating: 0, count: capacity)
        values.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: base + offset, count: capacity * 8)) }
        leaves = values
      }
    }
    restore(addedCounts: addedCounts, atEpisodeStart: atStart)
    if let leaves {
      sampler.restorePriorities(maxPriority: Double(bitPattern: UInt64(bitPattern: fields[7])), leaves: leaves)
    }
  }
}
