/// Draws stored transitions uniformly; every importance weight is 1 and TD errors change nothing.
public final class UniformSampler: ReplaySampler {
  public init() {}

  public func didStore(slot: Int, isTransition: Bool) {}

  public func candidate<G: RandomNumberGenerator>(
    row: Int, of rows: Int, attempt: Int, in ring: FrameRing, using rng: inout G
  ) -> Int {
    ring.absoluteIndex(ofStored: rng.nextInt(below: ring.count))
  }

  public func weigh(_ batch: ReplayBatch, in ring: FrameRing, step: Int) {
    for row in 0..<batch.batchSize { batch.weights[row] = 1 }
  }

  public func updatePriorities(indices: [Int], errors: [Float], in ring: FrameRing) {}

  public func makeEmpty() -> any ReplaySampler { UniformSampler() }

  public var keepsPriorities: Bool { false }
  public var savedPriorities: (maxPriority: Double, leaves: [Double])? { nil }
  public func restorePriorities(maxPriority: Double, leaves: [Double]) {
    preconditionFailure("uniform sampling keeps no priorities")
  }
}
