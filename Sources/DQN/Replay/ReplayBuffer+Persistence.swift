import FileIO
import Foundation

extension ReplayBuffer {
  private static let magic = Array("DQNREPLAY1\n\0".utf8)

  /// Writes the whole buffer (frames, fields, positions and the sampler's priorities) to `url`
  /// atomically.
  public func write(to url: URL) throws(ReplayFileError) {
    let saved = sampler.savedPriorities
    do {
      try AtomicFile.write(to: url) { handle in
        var header = Data(Self.magic)
        let fields: [Int64] = [
          Int64(capacity), Int64(ring.frameBytes), Int64(ring.addedCount), Int64(stackDepth), Int64(nStep),
          sampler.keepsPriorities ? 1 : 0, isAtEpisodeStart ? 1 : 0, Int64((saved?.maxPriority ?? 1).bitPattern),
        ]
        for field in fields { withUnsafeBytes(of: field.littleEndian) { header.append(contentsOf: $0) } }
        try handle.write(contentsOf: header)
        let stored = ring.count
        let chunkSlots = max(1, (8 << 20) / max(ring.frameBytes, 1))
        var slot = 0
        while slot < stored {
          let slots = min(chunkSlots, stored - slot)
          try handle.write(contentsOf: Data(bytes: ring.frames + slot * ring.frameBytes, count: slots * ring.frameBytes))
          slot += slots
        }
        try handle.write(contentsOf: Data(bytes: ring.actions, count: stored * 4))
        try handle.write(contentsOf: Data(bytes: ring.rewards, count: stored * 4))
        try handle.write(contentsOf: Data(bytes: ring.flags, count: stored))
        if let leaves = saved?.leaves {
          try leaves.withUnsafeBytes { try handle.write(contentsOf: Data($0)) }
        }
      }
    } catch {
      throw .unwritable(file: url.path, detail: error.detail)
    }
  }

  /// Loads a buffer written by `write(to:)` into this one (same capacity, frame size, stacking,
  /// n and kind of sampler).
  public func read(from url: URL) throws(ReplayFileError) {
    guard let data = FileManager.default.contents(atPath: url.path) else { throw .missing(file: url.path) }
    let headerSize = Self.magic.count + 8 * 8
    guard data.count >= headerSize, Array(data.prefix(Self.magic.count)) == Self.magic else {
      throw .truncated(file: url.path)
    }
    let fields: [Int64] = (0..<8).map { index in
      data.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(fromByteOffset: Self.magic.count + 8 * index, as: Int64.self)) }
    }
    let keepsPriorities = sampler.keepsPriorities
    let expected: [(String, Int64, Int64)] = [
      ("capacity", fields[0], Int64(capacity)), ("frame bytes", fields[1], Int64(ring.frameBytes)),
      ("frame stack", fields[3], Int64(stackDepth)), ("n-step", fields[4], Int64(nStep)),
      ("prioritized", fields[5], keepsPriorities ? 1 : 0),
    ]
    for (name, found, wanted) in expected where found != wanted {
      throw .mismatch(file: url.path, detail: "\(name) is \(found), the run needs \(wanted)")
    }
    let addedCount = Int(fields[2])
    guard addedCount >= 0 else { throw .truncated(file: url.path) }
    let stored = min(addedCount, capacity)
    let leafBytes = keepsPriorities ? capacity * 8 : 0
    let bodySize = stored * (ring.frameBytes + 9) + leafBytes
    guard data.count == headerSize + bodySize else { throw .truncated(file: url.path) }
    var leaves: [Double]?
    data.withUnsafeBytes { raw in
      guard let base = raw.baseAddress else { return }
      var offset = headerSize
      ring.frames.update(from: (base + offset).assumingMemoryBound(to: UInt8.self), count: stored * ring.frameBytes)
      offset += stored * ring.frameBytes
      UnsafeMutableRawPointer(ring.actions).copyMemory(from: base + offset, byteCount: stored * 4)
      offset += stored * 4
      UnsafeMutableRawPointer(ring.rewards).copyMemory(from: base + offset, byteCount: stored * 4)
      offset += stored * 4
      UnsafeMutableRawPointer(ring.flags).copyMemory(from: base + offset, byteCount: stored)
      offset += stored
      if keepsPriorities {
        var values = [Double](repeating: 0, count: capacity)
        values.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: base + offset, count: capacity * 8)) }
        leaves = values
      }
    }
    restore(addedCount: addedCount, isAtEpisodeStart: fields[6] != 0)
    if let leaves {
      sampler.restorePriorities(maxPriority: Double(bitPattern: UInt64(bitPattern: fields[7])), leaves: leaves)
    }
  }
}
