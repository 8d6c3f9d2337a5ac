import CKernels
import Testing

@testable import NeuralNetwork

/// Both vector levels' KC, the block of the shared dimension whose sums Gemm.c adds to C one after
/// another (GemmAVX2.c, GemmAVX512.c).
private let sharedBlock = 256

/// dx (+)= dy·w in the order Gemm.c documents: for each element, one fused multiply-add per output
/// in order onto a sum from +0 within each block of 256 outputs; the first block's sum alone
/// (`accumulate` 0), C + sum (1) or 0 + sum (2), each later block's added to C.
private func documentedOrder(dy: [Float], w: [Float], dx: [Float], batch: Int, inputs: Int, outputs: Int, accumulate: Int32) -> [Float] {
  var result = dx
  for i in 0..<batch {
    for j in 0..<inputs {
      var value = result[i * inputs + j]
      for start in stride(from: 0, to: outputs, by: sharedBlock) {
        var sum: Float = 0
        for p in start..<min(outputs, start + sharedBlock) { sum = sum.addingProduct(dy[i * outputs + p], w[p * inputs + j]) }
        let add = start > 0 ? 1 : accumulate
        value = add == 1 ? value + sum : add == 2 ? 0 + sum : sum
      }
      result[i * inputs + j] = value
    }
  }
  return result
}

/// dy as behind a ReLU: 40% of the units off for every sample, each of the others off for a run of
/// consecutive samples (so that some tiles of 6 or 8 rows are all zero and others only partly), the
/// rest uniform in [-0.5, 0.5); zeros +0 and -0.
private func reluGradient(batch: Int, outputs: Int, rng: inout SplitMix64) -> [Float] {
  var dy = [Float](repeating: 0, count: batch * outputs)
  for p in 0..<outputs {
    let dead = rng.nextUniform() < 0.4
    let first = rng.nextInt(below: batch), length = rng.nextInt(below: batch + 1)
    for i in 0..<batch {
      let off = dead || (i >= first && i < first + length)
      dy[i * outputs + p] = off ? (i % 3 == 0 ? -0.0 : 0) : rng.nextUniform() - 0.5
    }
  }
  return dy
}

@Suite struct DenseInputGradientTests {
  static let levels = InstructionLevel.supported.filter { $0 >= .avx2 }

  /// ckernels_dense_input_gradient gives the bits of the documented order and of CKernels' product
  /// at every vector level and each `accumulate`: on MinAtar's shape and odd ones (batches not a
  /// multiple of the tiles' 6 or 8 rows, inputs not a multiple of the slivers' 16 or 32 columns,
  /// more than one block of 256 outputs), with a NaN in dy, on 1 and 2 threads (32×600×520 is over
  /// the threshold where it splits the columns over the threads). With AVX2, W's rows packed first
  /// (all but the last two shapes; 6×1030×200 in two column blocks) and read in place (8×1100×300
  /// and 3×2000×260: a block of W's rows over 2^18 floats).
  @Test(arguments: levels)
  func skippingZeroStepsGivesTheProductsBits(level: InstructionLevel) {
    let shapes = [
      (32, 1024, 128), (1, 1, 1), (5, 17, 3), (7, 40, 9), (13, 100, 260), (64, 33, 300), (32, 600, 520), (6, 1030, 200),
      (8, 1100, 300), (3, 2000, 260),
    ]
    var rng = SplitMix64(seed: 131)
    for (batch, inputs, outputs) in shapes {
      var dy = reluGradient(batch: batch, outputs: outputs, rng: &rng)
      if dy.count > 40 { dy[37] = .nan }
      // At least one unit off everywhere, so that even the smallest shapes skip a step.
      for i in 0..<batch { dy[i * outputs] = 0 }
      let w = (0..<(outputs * inputs)).map { _ in rng.nextUniform() - 0.5 }
      let dx0 = (0..<(batch * inputs)).map { _ in rng.nextUniform() - 0.5 }
      for accumulate: Int32 in [0, 1, CKERNELS_ONTO_ZEROS] {
        let expected = documentedOrder(dy: dy, w: w, dx: dx0, batch: batch, inputs: inputs, outputs: outputs, accumulate: accumulate)
        var product = dx0
        dy.withUnsafeBufferPointer { d in
          w.withUnsafeBufferPointer { wb in
            product.withUnsafeMutableBufferPointer {
              MatrixProducts.own(
                d, wb, $0, m: batch, n: inputs, k: outputs, accumulate: accumulate != 0,
                ontoZeros: accumulate == CKERNELS_ONTO_ZEROS, level: level)
            }
          }
        }
        let productDifferences = bitDifferences(product, expected)
        #expect(productDifferences == 0, "product \(level) \(batch)×\(inputs)×\(outputs) accumulate \(accumulate)")
        onOneAndTwoThreads { threadCount in
          var skipping = dx0
          let done = skipping.withUnsafeMutableBufferPointer {
            ckernels_dense_input_gradient(level.rawValue, Int32(batch), Int32(inputs), Int32(outputs), dy, w, accumulate, $0.baseAddress)
          }
          #expect(done == 1, "declined \(level) \(batch)×\(inputs)×\(outputs)")
          let skippingDifferences = bitDifferences(skipping, expected)
          #expect(
            skippingDifferences == 0,
            "steps skipped \(level) \(batch)×\(inputs)×\(outputs) accumulate \(accumulate) threads \(threadCount)")
        }
      }
    }
  }

  /// A row of w holding ∞ or NaN is multiplied by dy's zeros too (0 · ∞ is NaN), as the product
  /// does, even where the unit is off for every sample; the other rows still skip.
  @Test(arguments: levels)
  func nonFiniteWeightsAreNotSkipped(level: InstructionLevel) {
    let batch = 16, inputs = 70, outputs = 12
    var rng = SplitMix64(seed: 132)
    // Units 0, 3, 6 and 9 off for every sample.
    let dy: [Float] = (0..<(batch * outputs)).map { j in j % outputs % 3 == 0 ? 0 : rng.nextUniform() - 0.5 }
    var w = (0..<(outputs * inputs)).map { _ in rng.nextUniform() - 0.5 }
    w[3 * inputs + 5] = .infinity
    w[9 * inputs + 69] = .nan
    let expected = documentedOrder(
      dy: dy, w: w, dx: [Float](repeating: 0, count: batch * inputs), batch: batch, inputs: inputs, outputs: outputs, accumulate: 0)
    #expect(expected[5].isNaN && expected[69].isNaN && !expected[6].isNaN)
    var dx = [Float](repeating: 1, count: batch * inputs)
    let done = dx.withUnsafeMutableBufferPointer {
      ckernels_dense_input_gradient(level.rawValue, Int32(batch), Int32(inputs), Int32(outputs), dy, w, 0, $0.baseAddress)
    }
    #expect(done == 1)
    let mismatches = bitDifferences(dx, expected)
    #expect(mismatches == 0)
  }

  /// Where it does not serve it says so and leaves dx as it was: fewer than an eighth of the steps
  /// skipped (here: one unit in 9 off), below AVX2.
  @Test func declinesWhereTheProductServes() {
    func run(level: InstructionLevel, offEvery: Int) -> (Int32, Bool) {
      let batch = 32, inputs = 64, outputs = 72
      let w = [Float](repeating: 0.5, count: outputs * inputs)
      let dy = (0..<(batch * outputs)).map { $0 % outputs % offEvery == 0 ? 0 : Float(0.25) }
      var dx = [Float](repeating: 3, count: batch * inputs)
      let done = dx.withUnsafeMutableBufferPointer {
        ckernels_dense_input_gradient(level.rawValue, Int32(batch), Int32(inputs), Int32(outputs), dy, w, 1, $0.baseAddress)
      }
      return (done, dx.allSatisfy { $0 == 3 })
    }
    for level in Self.levels {
      #expect(run(level: level, offEvery: 9) == (0, true))
      #expect(run(level: level, offEvery: 8).0 == 1)
    }
    #expect(run(level: .generic, offEvery: 2) == (0, true))
  }

  /// A dense layer computes the same input gradient (and weight and bias gradients), bit for bit,
  /// with and without `zeroSkippingInputGradient`, on MinAtar's first dense layer at batch 32 with
  /// the output gradient of a ReLU whose units are partly off for the whole batch.
  @Test func denseLayerGradientsKeepTheirBits() {
    let inputSize = 1024, outputSize = 128, batch = 32
    var rng = SplitMix64(seed: 133)
    let input = Tensor(shape: [batch, inputSize], scalars: (0..<(batch * inputSize)).map { _ in max(0, rng.nextUniform() * 2 - 1) })
    let gradient = Tensor(shape: [batch, outputSize], scalars: reluGradient(batch: batch, outputs: outputSize, rng: &rng))
    let with = denseLayerGradientBits(input: input, gradient: gradient, seed: 134, paths: .all)
    let without = denseLayerGradientBits(
      input: input, gradient: gradient, seed: 134, paths: FastPaths.all.subtracting(.zeroSkippingInputGradient))
    #expect(with.count == without.count)
    let mismatches = zip(with, without).map { zip($0, $1).count { $0 != $1 } + abs($0.count - $1.count) }
    #expect(mismatches.allSatisfy { $0 == 0 }, "elements that differ per gradient: \(mismatches)")
    // The kernel takes this gradient (it does not decline), so the layer's dx came from it.
    let w = [Float](repeating: 0.5, count: outputSize * inputSize)
    var dx = [Float](repeating: 0, count: batch * inputSize)
    let taken = dx.withUnsafeMutableBufferPointer {
      ckernels_dense_input_gradient(InstructionLevel.detected.rawValue, Int32(batch), Int32(inputSize), Int32(outputSize), gradient.scalars, w, 0, $0.baseAddress)
    }
    #expect(taken == (InstructionLevel.detected >= .avx2 ? 1 : 0))
  }
}
