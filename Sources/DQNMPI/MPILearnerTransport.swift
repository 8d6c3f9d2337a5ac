import CMPI
import DQN
import Foundation

/// The learner's side of an MPI job (rank 0): fragments arrive from the actor ranks (each sends
/// synchronously, so a rank waits while the learner is busy: the replay ratio holds); weights
/// leave as one non-blocking send per actor rank, a rank still receiving the previous sync
/// skipping this one.
public final class MPILearnerTransport: LearnerTransport, @unchecked Sendable {
  private let actorRanks: [Int]
  private var requests: [UnsafeMutableRawPointer]
  private var buffers: [[UInt8]]
  private var latestVersion = Int.min
  private var isClosed = false

  /// - Parameter ranks: the job's size; ranks 1..<ranks are actor ranks.
  public init(ranks: Int) {
    actorRanks = Array(1..<max(ranks, 1))
    requests = actorRanks.map { _ in cmpi_request_new()! }
    buffers = actorRanks.map { _ in [] }
  }

  deinit {
    for request in requests { cmpi_request_free(request) }
  }

  public func receive(timeout: Double) throws(TransportError) -> ExperienceFragment? {
    if isClosed { throw .closed }
    let deadline = Date(timeIntervalSinceNow: timeout)
    while true {
      if let message = try MPI.probe(tag: .fragment) {
        let bytes = try MPI.receive(bytes: message.bytes, from: message.source, tag: message.tag)
        return try ExperienceFragment(decoding: bytes)
      }
      if let bye = try MPI.probe(tag: .bye) {
        _ = try MPI.receive(bytes: bye.bytes, from: bye.source, tag: bye.tag)
        throw .peerLost("actor rank \(bye.source) stopped before the learner finished")
      }
      if Date() >= deadline { return nil }
      usleep(200)
    }
  }

  public func publish(_ weights: WeightSnapshot) throws(TransportError) {
    if isClosed { throw .closed }
    guard weights.version > latestVersion else {
      throw .malformed("weights version \(weights.version) after version \(latestVersion): versions only grow")
    }
    latestVersion = weights.version
    let bytes = MPI.encode(weights)
    for (slot, rank) in actorRanks.enumerated() where cmpi_test(requests[slot]) != 0 {
      buffers[slot] = bytes
      let code = buffers[slot].withUnsafeBytes { raw in
        cmpi_isend(raw.baseAddress, Int32(raw.count), Int32(rank), MPI.Tag.weights.rawValue, requests[slot])
      }
      try MPI.check(code, "MPI_Isend", peer: rank)
    }
  }

  /// Tells every actor rank to stop, takes in (and drops) what they still send until each says
  /// goodbye, and completes the weight sends.
  public func close() {
    guard !isClosed else { return }
    isClosed = true
    for rank in actorRanks { try? MPI.send([], to: rank, tag: .stop) }
    var remaining = Set(actorRanks)
    let deadline = Date(timeIntervalSinceNow: 30)
    while !remaining.isEmpty && Date() < deadline {
      let probed: (source: Int, tag: Int32, bytes: Int)?
      do {
        probed = try MPI.probe()
      } catch {
        break
      }
      guard let message = probed else {
        usleep(200)
        continue
      }
      _ = try? MPI.receive(bytes: message.bytes, from: message.source, tag: message.tag)
      if message.tag == MPI.Tag.bye.rawValue { remaining.remove(message.source) }
    }
    for request in requests { _ = cmpi_wait(request) }
  }
}
