import Foundation
import NeuralNetwork

/// A replay file that does not fit the buffer it is loaded into, or is cut short.
public enum ReplayFileError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
  case missing(file: String)
  case truncated(file: String)
  case mismatch(file: String, detail: String)
  case unwritable(file: String, detail: String)

  public var description: String {
    switch self {
    case .missing(let file): "\(file): replay buffer file not found (the run cannot resume exactly without it)"
    case .truncated(let file): "\(file): the replay buffer file is truncated or corrupted"
    case .mismatch(let file, let detail): "\(file): the replay buffer does not fit this run: \(detail)"
    case .unwritable(let file, let detail): "cannot write \(file): \(detail)"
    }
  }

  public var errorDescription: String? { description }
}

extension ReplayBuffer {
  private static let magic = Array("DQNREPLAY1\n\0".utf8)

  /// Writes the whole buffer (frames, fields, priorities, positions) under a temporary name, then
  /// renames it over `url`.
  public func write(to url: URL) throws(ReplayFileError) {
    let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
    do {
      guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else { throw CocoaError(.fileWriteNoPermission) }
      let handle = try FileHandle(forWritingTo: temporary)
      defer { try? handle.close() }
      var header = Data(Self.magic)
      let fields: [Int64] = [
        Int64(capacity), Int64(ring.frameBytes), Int64(ring.addedCount), Int64(stackDepth), Int64(nStep),
        priorities == nil ? 0 : 1, isAtEpisodeStart ? 1 : 0, Int64(maxPriority.bitPattern),
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
      if let tree = priorities {
        let leaves = tree.leaves
        try leaves.withUnsafeBytes { try handle.write(contentsOf: Data($0)) }
      }
      try handle.synchronize()
      try handle.close()
      guard rename(temporary.path, url.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw .unwritable(file: url.path, detail: error.localizedDescription)
    }
  }

  /// Loads a buffer written by `write(to:)` into this one (same capacity, frame size, stacking, n).
  public func read(from url: URL) throws(ReplayFileError) {
    guard let data = FileManager.default.contents(atPath: url.path) else { throw .missing(file: url.path) }
    let headerSize = Self.magic.count + 8 * 8
    guard data.count >= headerSize, Array(data.prefix(Self.magic.count)) == Self.magic else {
      throw .truncated(file: url.path)
    }
    let fields: [Int64] = (0..<8).map { index in
      data.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(fromByteOffset: Self.magic.count + 8 * index, as: Int64.self)) }
    }
    let expected: [(String, Int64, Int64)] = [
      ("capacity", fields[0], Int64(capacity)), ("frame bytes", fields[1], Int64(ring.frameBytes)),
      ("frame stack", fields[3], Int64(stackDepth)), ("n-step", fields[4], Int64(nStep)),
      ("prioritized", fields[5], priorities == nil ? 0 : 1),
    ]
    for (name, found, wanted) in expected where found != wanted {
      throw .mismatch(file: url.path, detail: "\(name) is \(found), the run needs \(wanted)")
    }
    let addedCount = Int(fields[2])
    guard addedCount >= 0 else { throw .truncated(file: url.path) }
    let stored = min(addedCount, capacity)
    let leafBytes = priorities == nil ? 0 : capacity * 8
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
      if priorities != nil {
        var values = [Double](repeating: 0, count: capacity)
        values.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: base + offset, count: capacity * 8)) }
        leaves = values
      }
    }
    restore(addedCount: addedCount, maxPriority: Double(bitPattern: UInt64(bitPattern: fields[7])),
            isAtEpisodeStart: fields[6] != 0, leaves: leaves)
  }
}
