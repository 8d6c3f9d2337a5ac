import Foundation

/// The transport between actor threads and the learner thread of one process: a bounded
/// first-in-first-out queue of fragments and the latest published weights, behind one lock.
public final class InProcessTransport: ActorTransport, LearnerTransport, @unchecked Sendable {
  private let condition = NSCondition()
  private var queue: [ExperienceFragment] = []
  private var head = 0
  private var latest: WeightSnapshot?
  private var isClosed = false
  /// Fragments that may wait before `send` blocks.
  public let capacity: Int

  /// - Parameter capacity: fragments that may wait for the learner (≥ 1).
  public init(capacity: Int) {
    precondition(capacity >= 1, "InProcessTransport needs capacity ≥ 1, got \(capacity)")
    self.capacity = capacity
  }

  public func send(_ fragment: ExperienceFragment) throws(TransportError) {
    condition.lock()
    defer { condition.unlock() }
    while queue.count - head >= capacity && !isClosed { condition.wait() }
    if isClosed { throw .closed }
    queue.append(fragment)
    condition.broadcast()
  }

  public func weights(newerThan version: Int) throws(TransportError) -> WeightSnapshot? {
    condition.lock()
    defer { condition.unlock() }
    if isClosed { throw .closed }
    guard let latest, latest.version > version else { return nil }
    return latest
  }

  public func receive(timeout: Double) throws(TransportError) -> ExperienceFragment? {
    condition.lock()
    defer { condition.unlock() }
    let deadline = Date(timeIntervalSinceNow: timeout)
    while queue.count == head {
      if isClosed { throw .closed }
      if !condition.wait(until: deadline) && queue.count == head { return nil }
    }
    let fragment = queue[head]
    head += 1
    if head > 64 && head * 2 > queue.count {
      queue.removeFirst(head)
      head = 0
    }
    condition.broadcast()
    return fragment
  }

  public func publish(_ weights: WeightSnapshot) throws(TransportError) {
    condition.lock()
    defer { condition.unlock() }
    if isClosed { throw .closed }
    if let latest, weights.version <= latest.version {
      throw .malformed("weights version \(weights.version) after version \(latest.version): versions only grow")
    }
    latest = weights
    condition.broadcast()
  }

  public func close() {
    condition.lock()
    isClosed = true
    condition.broadcast()
    condition.unlock()
  }
}
