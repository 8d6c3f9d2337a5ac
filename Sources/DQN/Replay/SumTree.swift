/// A binary tree whose leaves hold non-negative priorities and whose inner nodes hold the sums of
/// their children: proportional sampling and updates in O(log n).
///
/// Sums are kept in `Double`, so millions of `Float`-sized updates do not drift.
/// - Paper: T. Schaul et al., "Prioritized Experience Replay", https://arxiv.org/abs/1511.05952
public struct SumTree: Sendable, Equatable {
  /// The number of leaves in use (`0..<capacity`).
  public let capacity: Int
  private let leafCount: Int
  /// `nodes[1]` is the root; the leaves are `nodes[leafCount..<leafCount + capacity]`.
  private var nodes: [Double]

  /// - Precondition: `capacity >= 1`.
  public init(capacity: Int) {
    precondition(capacity >= 1, "SumTree needs capacity ≥ 1, got \(capacity)")
    self.capacity = capacity
    var leaves = 1
    while leaves < capacity { leaves *= 2 }
    leafCount = leaves
    nodes = [Double](repeating: 0, count: 2 * leaves)
  }

  /// The sum of all priorities.
  public var total: Double { nodes[1] }

  /// The priority of leaf `index`.
  public subscript(index: Int) -> Double {
    nodes[leafCount + index]
  }

  /// Sets leaf `index` to `priority` and updates the sums above it.
  ///
  /// - Complexity: O(log capacity).
  public mutating func set(_ index: Int, to priority: Double) {
    precondition(index >= 0 && index < capacity && priority >= 0 && priority.isFinite,
      "SumTree.set(\(index), \(priority)) outside 0..<\(capacity) or not a finite priority ≥ 0")
    var node = leafCount + index
    nodes[node] = priority
    node /= 2
    while node >= 1 {
      nodes[node] = nodes[2 * node] + nodes[2 * node + 1]
      node /= 2
    }
  }

  /// The leaf where the running sum of priorities first exceeds `mass` (clamped into `[0, total)`).
  ///
  /// Leaves with zero priority are never returned while `total > 0`.
  /// - Complexity: O(log capacity).
  public func find(mass: Double) -> Int {
    precondition(total > 0, "SumTree.find on an empty tree")
    var remaining = min(max(mass, 0), total)
    var node = 1
    while node < leafCount {
      let left = nodes[2 * node]
      if remaining < left || nodes[2 * node + 1] <= 0 {
        node = 2 * node
      } else {
        remaining -= left
        node = 2 * node + 1
      }
    }
    // Rounding may land past the last used leaf, or on an empty leaf: step back to a non-empty one.
    var index = min(node - leafCount, capacity - 1)
    while index > 0 && nodes[leafCount + index] <= 0 { index -= 1 }
    return index
  }

  /// All leaf priorities, in order (for checkpoints).
  public var leaves: [Double] { Array(nodes[leafCount..<(leafCount + capacity)]) }

  /// Rebuilds the tree from leaf priorities.
  public mutating func restore(leaves: [Double]) {
    precondition(leaves.count == capacity, "SumTree.restore needs \(capacity) leaves, got \(leaves.count)")
    for index in 0..<(2 * leafCount) { nodes[index] = 0 }
    for (index, value) in leaves.enumerated() { nodes[leafCount + index] = value }
    for node in stride(from: leafCount - 1, through: 1, by: -1) {
      nodes[node] = nodes[2 * node] + nodes[2 * node + 1]
    }
  }
}
