import Foundation

/// Proportional prioritized replay: transitions are drawn in proportion to `(|δ| + ε)^α`, kept in
/// a `SumTree`, and weighted by `(N·P)^-β / max` to correct the bias (β annealed to 1).
///
/// New transitions enter at the largest priority seen, so each is drawn at least once soon.
/// A batch is stratified: row `r` of `B` draws from the `r`-th of `B` equal slices of the total
/// priority on its first attempt, then anywhere.
/// - Paper: T. Schaul et al., "Prioritized Experience Replay", https://arxiv.org/abs/1511.05952
public final class PrioritizedSampler: ReplaySampler {
  /// α: how strongly priorities shape sampling (0 is uniform).
  public let priorityExponent: Float
  /// ε added to |TD error| so no transition has priority zero.
  public let priorityEpsilon: Float
  /// β by environment step.
  public let importanceExponent: LinearSchedule
  /// `p^α` per ring slot.
  public private(set) var priorities: SumTree
  /// The largest `|δ| + ε` seen (new transitions get it).
  public private(set) var maxPriority: Double = 1

  /// - Parameter capacity: the ring's capacity.
  public init(capacity: Int, priorityExponent: Float, priorityEpsilon: Float, importanceExponent: LinearSchedule) {
    self.priorityExponent = priorityExponent
    self.priorityEpsilon = priorityEpsilon
    self.importanceExponent = importanceExponent
    priorities = SumTree(capacity: capacity)
  }

  public func didStore(slot: Int, isTransition: Bool) {
    priorities.set(slot, to: isTransition ? Self.power(maxPriority, priorityExponent) : 0)
  }

  public func candidate<G: RandomNumberGenerator>(
    row: Int, of rows: Int, attempt: Int, in ring: FrameRing, using rng: inout G
  ) -> Int {
    let u = rng.nextUniformDouble()
    let total = priorities.total
    let mass = attempt == 1 ? (Double(row) + u) * total / Double(rows) : u * total
    return ring.absoluteIndex(ofSlot: priorities.find(mass: mass))
  }

  public func weigh(_ batch: ReplayBatch, in ring: FrameRing, step: Int) {
    let beta = importanceExponent.value(at: step)
    let stored = Double(ring.count)
    let total = priorities.total
    var maximum: Float = 0
    for row in 0..<batch.batchSize {
      let probability = priorities[ring.slot(of: batch.indices[row])] / total
      let weight = Float(Self.power(stored * probability, -beta))
      batch.weights[row] = weight
      maximum = max(maximum, weight)
    }
    guard maximum > 0 else { return }
    for row in 0..<batch.batchSize { batch.weights[row] /= maximum }
  }

  /// Sets each transition's priority to `(|error| + ε)^α` (transitions already overwritten are
  /// skipped).
  public func updatePriorities(indices: [Int], errors: [Float], in ring: FrameRing) {
    for (index, error) in zip(indices, errors) where ring.holds(index) {
      let priority = Double(abs(error) + priorityEpsilon)
      guard priority.isFinite else { continue }
      maxPriority = max(maxPriority, priority)
      priorities.set(ring.slot(of: index), to: Self.power(priority, priorityExponent))
    }
  }

  public func makeEmpty() -> any ReplaySampler {
    PrioritizedSampler(
      capacity: priorities.capacity, priorityExponent: priorityExponent, priorityEpsilon: priorityEpsilon,
      importanceExponent: importanceExponent)
  }

  public var keepsPriorities: Bool { true }
  public var savedPriorities: (maxPriority: Double, leaves: [Double])? { (maxPriority, priorities.leaves) }
  public func restorePriorities(maxPriority: Double, leaves: [Double]) {
    self.maxPriority = maxPriority
    priorities.restore(leaves: leaves)
  }

  static func power(_ base: Double, _ exponent: Float) -> Double {
    exponent == 1 ? base : Foundation.pow(base, Double(exponent))
  }
}
