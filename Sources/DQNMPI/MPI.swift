import CMPI
import DQN
import Foundation

/// The MPI job this process belongs to (Open MPI, `mpirun -np P …`): its rank and size, and the
/// message tags dqn uses on `MPI_COMM_WORLD`.
public enum MPI {
  /// Message tags.
  enum Tag: Int32 {
    /// actor rank → learner: an encoded `ExperienceFragment`.
    case fragment = 1
    /// learner → actor rank: a weight sync (Int64 version, then the Float32 values).
    case weights = 2
    /// learner → actor rank: stop acting.
    case stop = 3
    /// actor rank → learner: stopped; nothing more will come.
    case bye = 4
  }

  /// Starts MPI (errors are returned, not fatal, so the learner can report a lost rank).
  public static func start() throws(TransportError) {
    try check(cmpi_init(), "MPI_Init_thread")
  }

  public static func finish() { _ = cmpi_finalize() }

  /// Ends the whole job (every rank) with `code`.
  public static func abort(code: Int32) -> Never {
    cmpi_abort(code)
    exit(code)
  }

  public static var rank: Int { Int(cmpi_rank()) }
  public static var size: Int { Int(cmpi_size()) }

  /// Whether this process was started by `mpirun` (Open MPI sets `OMPI_COMM_WORLD_SIZE`).
  public static var isLaunchedByMPIRun: Bool { ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] != nil }

  static func check(_ code: Int32, _ call: String, peer: Int? = nil) throws(TransportError) {
    guard code != cmpi_success() else { return }
    var text = [CChar](repeating: 0, count: Int(cmpi_max_error_string()) + 1)
    cmpi_error_string(code, &text, Int32(text.count))
    let reason = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    throw .peerLost("\(call)\(peer.map { " with rank \($0)" } ?? "") failed: \(reason) (error \(code))")
  }

  /// A waiting message's source, tag and size, if one waits.
  static func probe(source: Int = -1, tag: Tag? = nil) throws(TransportError) -> (source: Int, tag: Int32, bytes: Int)? {
    var found: Int32 = 0
    var from: Int32 = 0
    var withTag: Int32 = 0
    var bytes: Int32 = 0
    try check(cmpi_iprobe(Int32(source), tag?.rawValue ?? -1, &found, &from, &withTag, &bytes), "MPI_Iprobe")
    return found != 0 ? (Int(from), withTag, Int(bytes)) : nil
  }

  static func receive(bytes: Int, from source: Int, tag: Int32) throws(TransportError) -> [UInt8] {
    var buffer = [UInt8](repeating: 0, count: max(bytes, 1))
    let code = buffer.withUnsafeMutableBytes { cmpi_recv($0.baseAddress, Int32(bytes), Int32(source), tag) }
    try check(code, "MPI_Recv", peer: source)
    return Array(buffer.prefix(bytes))
  }

  static func send(_ bytes: [UInt8], to destination: Int, tag: Tag, synchronous: Bool = false) throws(TransportError) {
    let code = bytes.withUnsafeBytes { raw in
      synchronous
        ? cmpi_ssend(raw.baseAddress, Int32(raw.count), Int32(destination), tag.rawValue)
        : cmpi_send(raw.baseAddress, Int32(raw.count), Int32(destination), tag.rawValue)
    }
    try check(code, synchronous ? "MPI_Ssend" : "MPI_Send", peer: destination)
  }

  /// Weights as one buffer: the version (Int64, little-endian), then the values (Float32).
  static func encode(_ weights: WeightSnapshot) -> [UInt8] {
    var bytes = [UInt8]()
    bytes.reserveCapacity(8 + 4 * weights.values.count)
    withUnsafeBytes(of: Int64(weights.version).littleEndian) { bytes.append(contentsOf: $0) }
    weights.values.withUnsafeBytes { bytes.append(contentsOf: $0) }
    return bytes
  }

  static func decodeWeights(_ bytes: [UInt8]) throws(TransportError) -> WeightSnapshot {
    guard bytes.count >= 8, (bytes.count - 8) % 4 == 0 else { throw .malformed("a weight message of \(bytes.count) bytes") }
    let version = bytes.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(as: Int64.self)) }
    var values = [Float](repeating: 0, count: (bytes.count - 8) / 4)
    values.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes.withUnsafeBytes { $0 }[8...])) }
    return WeightSnapshot(version: Int(version), values: values)
  }
}
