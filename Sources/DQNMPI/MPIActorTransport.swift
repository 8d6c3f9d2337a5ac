import CMPI
import DQN
import Foundation

/// An actor rank's side of an MPI job: fragments go to rank 0 with a synchronous send (the rank
/// waits while the learner is busy), weight syncs are taken in as they arrive, the newest kept.
/// Once rank 0 says stop, every call throws `closed` and the rank has said goodbye.
public final class MPIActorTransport: ActorTransport, @unchecked Sendable {
  private var newest: WeightSnapshot?
  private var stopped = false

  public init() {}

  public func send(_ fragment: ExperienceFragment) throws(TransportError) {
    try poll()
    try MPI.send(fragment.encoded(), to: 0, tag: .fragment, synchronous: true)
  }

  public func weights(newerThan version: Int) throws(TransportError) -> WeightSnapshot? {
    try poll()
    guard let newest, newest.version > version else { return nil }
    return newest
  }

  /// Takes in every waiting message from rank 0, in the order sent: weights, then maybe stop.
  private func poll() throws(TransportError) {
    if stopped { throw .closed }
    while let message = try MPI.probe(source: 0) {
      let bytes = try MPI.receive(bytes: message.bytes, from: 0, tag: message.tag)
      switch message.tag {
      case MPI.Tag.weights.rawValue:
        let weights = try MPI.decodeWeights(bytes)
        if weights.version > (newest?.version ?? Int.min) { newest = weights }
      case MPI.Tag.stop.rawValue:
        stopped = true
        try MPI.send([], to: 0, tag: .bye)
        throw .closed
      default:
        throw .malformed("rank 0 sent a message with tag \(message.tag)")
      }
    }
  }
}
