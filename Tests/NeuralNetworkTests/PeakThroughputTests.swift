import CKernels
import Testing

@testable import NeuralNetwork

struct PeakThroughputTests {
  /// The chains' count of operations is what they do: their sum is that of scalar chains
  /// `x ← 0.999·x + 0.001` (one per lane, from the chain's index), run for as many rounds.
  @Test(arguments: InstructionLevel.supported)
  func multiplyAddChainsDoTheOperationsTheyCount(level: InstructionLevel) {
    let iterations = 3_000
    var result: Float = 0
    let operations = ckernels_multiply_add_chains(level.rawValue, iterations, &result)
    let lanes = level == .avx512 ? 16 : level == .avx2 ? 8 : 0
    #expect(operations == Double(2 * 12 * lanes * iterations))
    var expected: Float = 0
    for chain in 0..<12 {
      var x = Float(chain)
      for _ in 0..<iterations { x = Float(0.001).addingProduct(x, 0.999) }
      expected += Float(lanes) * x
    }
    #expect(abs(result - expected) <= 1e-4 * max(1, expected), "\(level): \(result) against \(expected)")
    if lanes > 0 { #expect(expected > Float(lanes) * 12 * 0.99) }
  }

  @Test func theGenericLevelHasNoLoopAndThePeakFallsBackToTheProduct() {
    #expect(PeakThroughput.multiplyAddLoop(level: .generic, runs: 1, iterations: 1_000) == 0)
    let measurement = PeakThroughput.measure(runs: 1)
    #expect(measurement.gigaflops > 0)
    let expectedSource = InstructionLevel.detected == .generic ? "1024³ matrix product" : measurement.source
    #expect(measurement.source == expectedSource)
    #expect(["multiply-add loop", "1024³ matrix product"].contains(measurement.source))
  }
}
