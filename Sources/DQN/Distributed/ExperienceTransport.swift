/// Why a transport call failed.
public enum TransportError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The other side closed the transport (the run is ending).
  case closed
  /// A peer process ended or cannot be reached.
  case peerLost(String)
  /// A message that cannot be what it claims (cut short, out of order, wrong sizes).
  case malformed(String)

  public var description: String {
    switch self {
    case .closed: "the transport is closed"
    case .peerLost(let detail): detail
    case .malformed(let detail): "a malformed message: \(detail)"
    }
  }
}

/// What an actor needs from the transport: send experience, fetch newer weights.
///
/// Two implementations share the actor and learner code: `InProcessTransport` (threads of one
/// process, `--actors K`) and `MPITransport` (ranks of an MPI job, `--distributed`).
public protocol ActorTransport: AnyObject, Sendable {
  /// Sends a fragment; blocks while the learner has too many waiting (so actors cannot run
  /// further ahead than the learner's replay ratio allows).
  ///
  /// - Throws: `TransportError.closed` once the learner has closed the transport.
  func send(_ fragment: ExperienceFragment) throws(TransportError)

  /// The learner's latest weights if their version is above `version`, else nil (never blocks).
  func weights(newerThan version: Int) throws(TransportError) -> WeightSnapshot?
}

/// What the learner needs from the transport: receive experience, publish weights, end the run.
public protocol LearnerTransport: AnyObject, Sendable {
  /// The next fragment, waiting up to `timeout` seconds; nil when none arrived in that time.
  /// Fragments of one actor arrive whole and in the order it sent them.
  func receive(timeout: Double) throws(TransportError) -> ExperienceFragment?

  /// Makes `weights` the ones actors fetch.
  ///
  /// - Precondition: `weights.version` is above every version published before.
  func publish(_ weights: WeightSnapshot) throws(TransportError)

  /// Ends the run: blocked and later `send`s throw `closed`.
  func close()
}
