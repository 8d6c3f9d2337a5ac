import CKernels
import Testing

@testable import NeuralNetwork

/// dW (+)= dyᵀ·x in the order DenseGradient.c and Gemm.c document: for each weight, one fused
/// multiply-add per sample in order onto a sum from +0, then the sum alone (`accumulate` 0), C + sum
/// (1) or 0 + sum (2).
private func documentedOrder(dy: [Float], x: [Float], dw: [Float], outputs: Int, inputs: Int, batch: Int, accumulate: Int32) -> [Float] {
  var result = dw
  for o in 0..<outputs {
    for k in 0..<inputs {
      var sum: Float = 0
      for i in 0..<batch { sum = sum.addingProduct(dy[i * outputs + o], x[i * inputs + k]) }
      let index = o * inputs + k
      result[index] = accumulate == 1 ? dw[index] + sum : accumulate == 2 ? 0 + sum : sum
    }
  }
  return result
}

@Suite struct DenseWeightGradientTests {
  static let levels = InstructionLevel.supported.filter { $0 >= .avx2 }

  /// ckernels_dense_weight_gradient gives the bits of the documented order and of CKernels' product
  /// at every vector level and each `accumulate`: on the networks' shapes and odd ones (inputs not a
  /// multiple of 8 or 16, more than one block of 256, one output, batch 1, 63 and 64), with dy half
  /// or more zeros (+0 and -0, as behind a ReLU) and a NaN, x with zeros, and on 1 and 2 threads.
  @Test(arguments: levels)
  func skippingZerosGivesTheProductsBits(level: InstructionLevel) {
    // 300×900×32 is over the threshold where it splits the outputs over the threads.
    let shapes = [(128, 1024, 32), (1, 1, 1), (3, 17, 5), (17, 33, 64), (40, 300, 32), (16, 256, 31), (9, 520, 63), (70, 97, 2), (300, 900, 32)]
    var rng = SplitMix64(seed: 121)
    for (outputs, inputs, batch) in shapes {
      let x: [Float] = (0..<(batch * inputs)).map { _ in max(0, rng.nextUniform() * 2 - 1) }
      var dy: [Float] = (0..<(batch * outputs)).map { j in
        let v = rng.nextUniform() * 2 - 1
        return v < -0.6 || j % 5 < 2 ? (j % 3 == 0 ? -0.0 : 0) : v
      }
      if dy.count > 20 { dy[7] = .nan }
      let dw0 = (0..<(outputs * inputs)).map { _ in rng.nextUniform() - 0.5 }
      for accumulate: Int32 in [0, 1, CKERNELS_ONTO_ZEROS] {
        let expected = documentedOrder(dy: dy, x: x, dw: dw0, outputs: outputs, inputs: inputs, batch: batch, accumulate: accumulate)
        var product = dw0
        dy.withUnsafeBufferPointer { d in
          x.withUnsafeBufferPointer { xb in
            product.withUnsafeMutableBufferPointer {
              MatrixProducts.own(
                d, transposeA: true, xb, $0, m: outputs, n: inputs, k: batch, accumulate: accumulate != 0,
                ontoZeros: accumulate == CKERNELS_ONTO_ZEROS, level: level)
            }
          }
        }
        let productDifferences = bitDifferences(product, expected)
        #expect(productDifferences == 0, "product \(level) \(outputs)×\(inputs) batch \(batch) accumulate \(accumulate)")
        onOneAndTwoThreads { threadCount in
          var skipping = dw0
          let done = skipping.withUnsafeMutableBufferPointer {
            ckernels_dense_weight_gradient(level.rawValue, Int32(outputs), Int32(inputs), Int32(batch), dy, x, accumulate, $0.baseAddress)
          }
          #expect(done == 1)
          let skippingDifferences = bitDifferences(skipping, expected)
          #expect(
            skippingDifferences == 0,
            "zeros skipped \(level) \(outputs)×\(inputs) batch \(batch) accumulate \(accumulate) threads \(threadCount)")
        }
      }
    }
  }

  /// An infinite or NaN input is multiplied by the zeros of dy too (0 · ∞ is NaN), as the product
  /// does: its block of inputs is summed over every sample, the others still skip.
  @Test(arguments: levels)
  func nonFiniteInputsAreNotSkipped(level: InstructionLevel) {
    let outputs = 5, inputs = 600, batch = 8
    var rng = SplitMix64(seed: 122)
    var x: [Float] = (0..<(batch * inputs)).map { _ in rng.nextUniform() }
    x[3 * inputs + 300] = .infinity
    x[5 * inputs + 10] = .nan
    let dy: [Float] = (0..<(batch * outputs)).map { j in j % 2 == 0 ? 0 : rng.nextUniform() - 0.5 }
    let expected = documentedOrder(
      dy: dy, x: x, dw: [Float](repeating: 0, count: outputs * inputs), outputs: outputs, inputs: inputs, batch: batch, accumulate: 0)
    #expect(expected[1 * inputs + 300].isNaN && expected[10].isNaN)  // dy[3, 1] is 0: 0 · ∞
    var dw = [Float](repeating: 1, count: outputs * inputs)
    let done = dw.withUnsafeMutableBufferPointer {
      ckernels_dense_weight_gradient(level.rawValue, Int32(outputs), Int32(inputs), Int32(batch), dy, x, 0, $0.baseAddress)
    }
    #expect(done == 1)
    let mismatches = bitDifferences(dw, expected)
    #expect(mismatches == 0)
  }

  /// Where it does not serve it says so and leaves dW as it was: fewer than a quarter of dy zero,
  /// batches over 64, below AVX2.
  @Test func declinesWhereTheProductServes() {
    func run(level: InstructionLevel, outputs: Int, inputs: Int, batch: Int, zeroEvery: Int) -> (Int32, Bool) {
      let x = [Float](repeating: 0.5, count: batch * inputs)
      let dy = (0..<(batch * outputs)).map { $0 % zeroEvery == 0 ? 0 : Float(0.25) }
      var dw = [Float](repeating: 3, count: outputs * inputs)
      let done = dw.withUnsafeMutableBufferPointer {
        ckernels_dense_weight_gradient(level.rawValue, Int32(outputs), Int32(inputs), Int32(batch), dy, x, 1, $0.baseAddress)
      }
      return (done, dw.allSatisfy { $0 == 3 })
    }
    for level in Self.levels {
      #expect(run(level: level, outputs: 16, inputs: 64, batch: 32, zeroEvery: 5) == (0, true))
      #expect(run(level: level, outputs: 16, inputs: 64, batch: 65, zeroEvery: 2) == (0, true))
      #expect(run(level: level, outputs: 16, inputs: 64, batch: 32, zeroEvery: 4).0 == 1)
    }
    #expect(run(level: .generic, outputs: 16, inputs: 64, batch: 32, zeroEvery: 2) == (0, true))
  }

  /// A dense layer behind a ReLU computes the same weight and bias gradients, bit for bit, with and
  /// without `zeroSkippingGradient`, on MinAtar's first dense layer at batch 32.
  @Test func denseLayerGradientsKeepTheirBits() {
    let inputSize = 1024, outputSize = 128, batch = 32
    var rng = SplitMix64(seed: 123)
    let input = Tensor(shape: [batch, inputSize], scalars: (0..<(batch * inputSize)).map { _ in max(0, rng.nextUniform() * 2 - 1) })
    let gradient = Tensor(
      shape: [batch, outputSize], scalars: (0..<(batch * outputSize)).map { _ in max(0, rng.nextUniform() * 2 - 1) - 0.25 })
    let with = denseLayerGradientBits(input: input, gradient: gradient, seed: 124, paths: .all)
    let without = denseLayerGradientBits(input: input, gradient: gradient, seed: 124, paths: FastPaths.all.subtracting(.zeroSkippingGradient))
    #expect(with == without)
  }
}
