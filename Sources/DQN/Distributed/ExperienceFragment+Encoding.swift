import GridGames

extension ExperienceFragment {
  /// The fragment as one byte buffer: a header of eight little-endian Int64s (actor, sequence,
  /// height, width, channels, entries, episodes, 0), then the frames, copies (Int32), actions
  /// (Int32), rewards (Float32), priorities (Float32), flags (UInt8), and per episode its return
  /// (Float64), length (Int64) and ε (Float32).
  public func encoded() -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(64 + frames.count + count * 17 + episodes.count * 20)
    func put<T>(_ value: T) { withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) } }
    for field in [actor, sequence, frameShape.height, frameShape.width, frameShape.channels, count, episodes.count, 0] {
      put(Int64(field).littleEndian)
    }
    bytes.append(contentsOf: frames)
    for value in copies { put(value.littleEndian) }
    for value in actions { put(value.littleEndian) }
    for value in rewards { put(value.bitPattern.littleEndian) }
    for value in priorities { put(value.bitPattern.littleEndian) }
    bytes.append(contentsOf: flags)
    for episode in episodes {
      put(episode.episodeReturn.bitPattern.littleEndian)
      put(Int64(episode.length).littleEndian)
      put(episode.epsilon.bitPattern.littleEndian)
    }
    return bytes
  }

  /// Reads what `encoded()` wrote.
  ///
  /// - Throws: `TransportError.malformed` when the bytes are cut short or inconsistent.
  public init(decoding bytes: [UInt8]) throws(TransportError) {
    var offset = 0
    func take<T: FixedWidthInteger>(_ type: T.Type) throws(TransportError) -> T {
      let size = MemoryLayout<T>.size
      guard offset + size <= bytes.count else { throw .malformed("a fragment of \(bytes.count) bytes is cut short") }
      var value: T = 0
      withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: bytes[offset..<offset + size]) }
      offset += size
      return T(littleEndian: value)
    }
    var header: [Int] = []
    for _ in 0..<8 { header.append(Int(try take(Int64.self))) }
    guard header[2] > 0, header[3] > 0, header[4] > 0, header[5] >= 0, header[6] >= 0 else {
      throw .malformed("a fragment header holds impossible sizes \(header)")
    }
    self.init(actor: header[0], sequence: header[1], frameShape: FrameShape(height: header[2], width: header[3], channels: header[4]))
    let entries = header[5]
    let frameBytes = entries * frameShape.byteCount
    guard offset + frameBytes + entries * 17 + header[6] * 20 == bytes.count else {
      throw .malformed("a fragment of \(entries) entries and \(header[6]) episodes cannot be \(bytes.count) bytes")
    }
    frames = Array(bytes[offset..<offset + frameBytes])
    offset += frameBytes
    for _ in 0..<entries { copies.append(try take(Int32.self)) }
    for _ in 0..<entries { actions.append(try take(Int32.self)) }
    for _ in 0..<entries { rewards.append(Float(bitPattern: try take(UInt32.self))) }
    for _ in 0..<entries { priorities.append(Float(bitPattern: try take(UInt32.self))) }
    flags = Array(bytes[offset..<offset + entries])
    offset += entries
    for _ in 0..<header[6] {
      let episodeReturn = Double(bitPattern: try take(UInt64.self))
      let length = Int(try take(Int64.self))
      let epsilon = Float(bitPattern: try take(UInt32.self))
      episodes.append(FinishedEpisode(episodeReturn: episodeReturn, length: length, epsilon: epsilon))
    }
  }
}
