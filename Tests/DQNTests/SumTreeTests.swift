import Testing
@testable import DQN

@Suite struct SumTreeTests {
  @Test func sumsAndFindsByHand() {
    var tree = SumTree(capacity: 5)
    for (index, priority) in [1.0, 2, 0, 3, 4].enumerated() { tree.set(index, to: priority) }
    #expect(tree.total == 10)
    // Cumulative: [0,1) → 0, [1,3) → 1, [3,6) → 3 (leaf 2 is empty), [6,10) → 4.
    #expect(tree.find(mass: 0) == 0)
    #expect(tree.find(mass: 0.99) == 0)
    #expect(tree.find(mass: 1) == 1)
    #expect(tree.find(mass: 2.99) == 1)
    #expect(tree.find(mass: 3) == 3)
    #expect(tree.find(mass: 5.5) == 3)
    #expect(tree.find(mass: 6) == 4)
    #expect(tree.find(mass: 10) == 4)
    tree.set(4, to: 0)
    #expect(tree.total == 6)
    #expect(tree.find(mass: 5.99) == 3)
  }

  @Test func samplingFrequenciesFollowPriorities() {
    var tree = SumTree(capacity: 3)
    tree.set(0, to: 1)
    tree.set(1, to: 3)
    tree.set(2, to: 0)
    var counts = [0, 0, 0]
    for i in 0..<4_000 { counts[tree.find(mass: (Double(i) + 0.5) / 4_000 * tree.total)] += 1 }
    #expect(counts == [1_000, 3_000, 0])
  }

  @Test func restoresFromLeaves() {
    var tree = SumTree(capacity: 6)
    for index in 0..<6 { tree.set(index, to: Double(index) * 0.5) }
    var copy = SumTree(capacity: 6)
    copy.restore(leaves: tree.leaves)
    #expect(copy == tree)
  }
}
