import Testing

@testable import NeuralNetwork

@Suite struct TensorTests {
  @Test func subscriptsAreRowMajor() {
    let tensor = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    #expect(tensor[1, 0] == 4)
    #expect(tensor[0, 2] == 3)
    #expect(tensor[flat: 5] == 6)
  }

  /// The sixteen-lane sum of squares against a Double reference, for lengths around whole lanes.
  @Test func squaredNormMatchesADoubleSum() {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    for count in [0, 1, 15, 16, 17, 31, 1_037, 131_072 + 5] {
      let scalars = (0..<count).map { _ -> Float in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 250_000
      }
      let expected = scalars.reduce(0.0) { $0 + Double($1) * Double($1) }
      let tensor = Tensor(shape: [count], scalars: scalars)
      let actual = Double(tensor.squaredNorm())
      #expect(abs(actual - expected) <= 1e-5 * max(expected, 1), "count \(count): \(actual) vs \(expected)")
    }
    #expect(Tensor(shape: [3], scalars: [3, 4, 12]).squaredNorm() == 169)
  }

  @Test func copiesAreIndependent() {
    var original = Tensor(shape: [3], scalars: [1, 2, 3])
    let copy = original
    original[flat: 0] = 9
    #expect(copy[flat: 0] == 1)
    #expect(original[flat: 0] == 9)
  }

  @Test func matmulMatchesHandComputation() {
    let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    let b = Tensor(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
    #expect(a.matmul(b).scalars == [58, 64, 139, 154])
    // Aᵀ·A through the transpose flag, no copies.
    #expect(a.matmul(a, transposeSelf: true).scalars == [17, 22, 27, 22, 29, 36, 27, 36, 45])
    #expect(a.matmul(a, transposeOther: true).scalars == [14, 32, 32, 77])
  }

  @Test func argmaxAndMaxRows() {
    let tensor = Tensor(shape: [2, 3], scalars: [0.1, 0.7, 0.2, 5, -1, 4])
    #expect(tensor.argmaxRows() == [1, 0])
    #expect(tensor.maxRows() == [0.7, 5])
  }

  @Test func reshapeKeepsElements() {
    let tensor = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]).reshaped(to: [3, 2])
    #expect(tensor.shape == [3, 2])
    #expect(tensor[2, 1] == 6)
  }

  @Test func badReshapeIsAProgrammerError() async {
    await #expect(processExitsWith: .failure) {
      _ = Tensor(shape: [2, 3]).reshaped(to: [4, 2])
    }
  }

  @Test func seededGeneratorIsReproducible() {
    var a = SplitMix64(seed: 42)
    var b = SplitMix64(seed: 42)
    let first = (0..<5).map { _ in a.next() }
    #expect(first == (0..<5).map { _ in b.next() })
    var c = SplitMix64(seed: 43)
    #expect(first != (0..<5).map { _ in c.next() })
    var d = SplitMix64(seed: 1)
    let samples = (0..<20000).map { _ in d.nextGaussian() }
    let mean = samples.reduce(0, +) / Float(samples.count)
    let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(samples.count)
    #expect(abs(mean) < 0.03)
    #expect(abs(variance - 1) < 0.05)
  }
}
