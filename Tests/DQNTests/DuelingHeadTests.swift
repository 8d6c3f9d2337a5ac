import NeuralNetwork
import Testing
@testable import DQN

@Suite struct DuelingHeadTests {
  @Test func advantagesAreCentredPerRow() {
    var rng = SplitMix64(seed: 3)
    let head = DuelingHead(inputSize: 5, hiddenSize: 4, actionCount: 3, using: &rng)
    var input = Tensor(shape: [2, 5])
    input.withUnsafeMutableBufferPointer { for i in 0..<$0.count { $0[i] = rng.nextUniform() } }
    let q = head(input)
    #expect(q.shape == [2, 3])
    // Q = V + A − mean(A): shifting every advantage by the same amount changes nothing.
    let advantageBias = head.parameters.first { $0.name == "advantage2.bias" }
    advantageBias?.value.add(Tensor(shape: [3], repeating: 5))
    let shifted = head(input)
    for i in 0..<6 { #expect(abs(shifted[flat: i] - q[flat: i]) < 1e-5) }
    let names = Set(head.parameters.map(\.name))
    #expect(names == ["value1.weight", "value1.bias", "value2.weight", "value2.bias",
                      "advantage1.weight", "advantage1.bias", "advantage2.weight", "advantage2.bias"])
  }

  @Test func gradientsMatchCentralDifferences() {
    var rng = SplitMix64(seed: 5)
    let head = DuelingHead(inputSize: 6, hiddenSize: 5, actionCount: 4, using: &rng)
    var input = Tensor(shape: [3, 6])
    input.withUnsafeMutableBufferPointer { for i in 0..<$0.count { $0[i] = rng.nextUniform() * 2 - 1 } }
    let report = GradientCheck.run(head, input: input, step: 1e-3, using: &rng)
    #expect(report.maxRelativeError < 2e-2, "\(report)")
  }

  @Test func inferenceBetweenForwardAndBackwardLeavesGradientsAlone() {
    var rng = SplitMix64(seed: 6)
    let head = DuelingHead(inputSize: 4, hiddenSize: 3, actionCount: 2, using: &rng)
    let input = Tensor(shape: [2, 4], scalars: [0.1, 0.5, -0.3, 0.8, 0.2, -0.4, 0.6, 0.3])
    let other = Tensor(shape: [2, 4], scalars: [1, -1, 1, -1, 0.5, 0.5, -0.5, 0.5])
    let gradient = Tensor(shape: [2, 2], scalars: [1, -1, 0.5, 2])
    _ = head.forward(input, training: true)
    head.zeroGradients()
    let clean = head.backward(gradient)
    let cleanGradients = head.parameters.map(\.gradient)
    _ = head.forward(input, training: true)
    _ = head(other)  // Double DQN's online forward on next states.
    head.zeroGradients()
    #expect(head.backward(gradient) == clean)
    #expect(head.parameters.map(\.gradient) == cleanGradients)
  }
}
