import CKernels
import Testing

@testable import NeuralNetwork

/// `y + W·x` in Gemv.c's order, one row at a time in Swift: 16 lane sums of fused multiply-adds
/// over the inputs p ≡ l (mod 16), in order, then the tree s_l + s_{l+8}, + 4, + 2, + 1.
private func documentedOrder(_ w: [Float], offset: Int, n: Int, k: Int, _ x: [Float], _ y: [Float]) -> [Float] {
  (0..<n).map { j in
    var lanes = [Float](repeating: 0, count: 16)
    for p in 0..<k { lanes[p % 16] = lanes[p % 16].addingProduct(w[offset + j * k + p], x[p]) }
    for half in [8, 4, 2, 1] {
      for l in 0..<half { lanes[l] = lanes[l] + lanes[l + half] }
    }
    return y[j] + lanes[0]
  }
}

private func sameBits(_ a: [Float], _ b: [Float]) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}

@Suite struct VectorProductTests {
  /// The vector levels this processor has (the kernels return 0 below AVX2).
  static let levels = InstructionLevel.supported.filter { $0 >= .avx2 }

  /// Both of CKernels' batch-1 products give the documented order's bits, at every level: on the
  /// networks' shapes and odd ones (inputs not a multiple of 16, outputs not of 8 or 16, a single
  /// row), with the weights starting at each float of a cache line (the in-place kernel aligns its
  /// loads and rotates its lanes), with inputs half zeros, -0, negative, or none zero.
  @Test(arguments: levels)
  func bothWaysGiveTheDocumentedOrdersBits(level: InstructionLevel) {
    let shapes = [(128, 1024), (512, 3136), (6, 128), (100, 37), (1, 1), (9, 15), (33, 16), (17, 1040), (129, 300), (8, 2)]
    var rng = SplitMix64(seed: 91)
    for (n, k) in shapes {
      for offset in [0, 3, 12, 13] {
        let w = (0..<(offset + n * k)).map { _ in rng.nextUniform() * 2 - 1 }
        let y = (0..<n).map { _ in rng.nextUniform() - 0.5 }
        for zeros in [true, false] {
          let x: [Float] = (0..<k).map { p in
            let v = rng.nextUniform() * 2 - 1
            return zeros && v < 0 ? (p % 3 == 0 ? -0.0 : 0) : v
          }
          let expected = documentedOrder(w, offset: offset, n: n, k: k, x, y)
          var inPlace = y
          let done = w.withUnsafeBufferPointer { wb in
            inPlace.withUnsafeMutableBufferPointer { ckernels_gemv(level.rawValue, Int32(n), Int32(k), wb.baseAddress! + offset, x, $0.baseAddress) }
          }
          #expect(done == 1)
          #expect(sameBits(inPlace, expected), "in place \(level) \(n)×\(k) offset \(offset) zeros \(zeros)")
          var packed = y
          #expect(Self.packedProduct(level: level, w: Array(w[offset...]), n: n, k: k, x: x, y: &packed))
          #expect(sameBits(packed, expected), "packed \(level) \(n)×\(k) offset \(offset) zeros \(zeros)")
        }
      }
    }
  }

  /// A NaN or infinite input reaches its outputs both ways (it is not a zero to skip).
  @Test(arguments: levels)
  func nonFiniteInputsReachTheOutputs(level: InstructionLevel) {
    let n = 40, k = 100
    var rng = SplitMix64(seed: 92)
    let w = (0..<(n * k)).map { _ in rng.nextUniform() * 2 - 1 }
    for bad in [Float.nan, .infinity] {
      var x = [Float](repeating: 0, count: k)
      x[37] = bad
      var inPlace = [Float](repeating: 0, count: n), packed = inPlace
      _ = ckernels_gemv(level.rawValue, Int32(n), Int32(k), w, x, &inPlace)
      #expect(Self.packedProduct(level: level, w: w, n: n, k: k, x: x, y: &packed))
      #expect(inPlace.allSatisfy { !$0.isFinite } && packed.allSatisfy { !$0.isFinite }, "\(bad)")
    }
  }

  /// The masks of nonzero inputs (a word of 64 bits per lane class; on AVX-512 built from 16-input
  /// chunks, 64 chunks to a word) find a lone nonzero input wherever it is: at each end of a
  /// chunk, of a word and of a masked tail, so the packed product is exactly that input's column.
  @Test(arguments: levels)
  func aLoneNonzeroInputIsFoundAtEveryBoundary(level: InstructionLevel) {
    let n = 3
    for k in [15, 16, 17, 1023, 1024, 1025, 2049] {
      let w = (0..<(n * k)).map { Float($0 % 97) * 0.25 - 12 }
      for p in Set([0, 1, 14, 15, 16, 17, 1023, 1024, 1025, 2047, 2048, k - 1].filter { $0 < k }) {
        var x = [Float](repeating: 0, count: k)
        x[p] = 3
        var packed = [Float](repeating: 0, count: n)
        #expect(Self.packedProduct(level: level, w: w, n: n, k: k, x: x, y: &packed))
        #expect(packed == (0..<n).map { w[$0 * k + p] * 3 }, "\(level) k \(k) input \(p)")
      }
    }
  }

  /// `y += W·x` through ckernels_pack_gemv and ckernels_gemv_packed (W on a 64-byte boundary).
  static func packedProduct(level: InstructionLevel, w: [Float], n: Int, k: Int, x: [Float], y: inout [Float]) -> Bool {
    let floats = Int(ckernels_gemv_packed_floats(level.rawValue, Int32(n), Int32(k)))
    let storage = UnsafeMutableRawPointer.allocate(byteCount: max(1, floats) * 4, alignment: 64)
    defer { storage.deallocate() }
    let packed = storage.bindMemory(to: Float.self, capacity: max(1, floats))
    var scratch = [UInt64](repeating: 0, count: Int(ckernels_gemv_scratch_words(Int32(k))))
    guard ckernels_pack_gemv(level.rawValue, Int32(n), Int32(k), w, packed) == 1 else { return false }
    return ckernels_gemv_packed(level.rawValue, Int32(n), Int32(k), packed, x, &y, &scratch) == 1
  }

  /// Dense's batch-1 forward gives the documented order's bits from its first product to long
  /// after its weights are packed (`VectorProduct.sightsBeforePacking`), after each change of the
  /// weights, and without zero skipping; weights that are not all finite are never packed, so an
  /// infinite weight of a zero input still makes its output NaN.
  @Test func denseKeepsItsBitsWhenItsWeightsArePacked() {
    guard InstructionLevel.detected >= .avx2 else { return }
    let (n, k) = (128, 1024)
    func make(_ paths: FastPaths) -> Dense {
      makeDense(inputSize: k, outputSize: n, seed: 93, paths: paths) { Float($0 % 7) * 0.2 - 0.6 }
    }
    var rng = SplitMix64(seed: 94)
    let x: [Float] = (0..<k).map { _ in max(0, rng.nextUniform() * 2 - 1) }
    let input = Tensor(shape: [1, k], scalars: x)
    let layer = make(.all), inPlace = make(FastPaths.all.subtracting(.zeroSkipping))
    var optimizer = Adam(learningRate: 0.01)
    for change in 0..<3 {
      if change == 1 {
        layer.weight.gradient.fill(with: 0.5)
        optimizer.update([layer.weight])
      } else if change == 2 {
        layer.weight.value[flat: 3 * k + 1] = 2
      }
      inPlace.weight.value = layer.weight.value
      let expected = documentedOrder(layer.weight.value.scalars, offset: 0, n: n, k: k, x, layer.bias.value.scalars)
      for pass in 0..<(VectorProduct.sightsBeforePacking + 4) {
        #expect(sameBits(layer.forward(input, training: false).scalars, expected), "change \(change), product \(pass)")
        #expect(sameBits(inPlace.forward(input, training: false).scalars, expected), "in place: change \(change), product \(pass)")
      }
    }
    let zero = x.firstIndex(of: 0)!
    layer.weight.value[flat: 5 * k + zero] = .infinity
    for pass in 0..<(VectorProduct.sightsBeforePacking + 4) {
      #expect(layer.forward(input, training: false).scalars[5].isNaN, "product \(pass)")
    }
  }
}
