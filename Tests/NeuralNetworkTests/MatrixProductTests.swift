import CKernels
import Testing

@testable import NeuralNetwork

/// A product's sizes and operand layouts.
struct ProductShape: CustomTestStringConvertible, Sendable {
  var m, n, k: Int
  var transposeA = false, transposeB = false, accumulate = false

  var testDescription: String {
    "\(m)×\(n)×\(k)\(transposeA ? " Aᵀ" : "")\(transposeB ? " Bᵀ" : "")\(accumulate ? " +C" : "")"
  }

  /// Edge cases of the blocking (a tile of 8×32 or 6×16 or 4×8, blocks of 128 rows, 256 of the
  /// shared dimension and 1024 columns), the layers' shapes at small batches, and random sizes;
  /// each in all four layouts, overwriting or accumulating.
  static let cases: [ProductShape] = {
    var sizes = [
      (1, 1, 1), (1, 37, 1), (5, 1, 9), (7, 33, 5), (8, 32, 256), (9, 31, 257), (6, 16, 512), (130, 40, 20),
      (3, 1030, 7), (17, 65, 513), (2, 128, 64), (16, 36, 200), (64, 6, 128), (4, 70, 0),
    ]
    var rng = SplitMix64(seed: 31)
    for _ in 0..<10 { sizes.append((1 + rng.nextInt(below: 70), 1 + rng.nextInt(below: 300), 1 + rng.nextInt(below: 300))) }
    var cases: [ProductShape] = []
    for (index, (m, n, k)) in sizes.enumerated() {
      for layout in 0..<4 {
        cases.append(ProductShape(m: m, n: n, k: k, transposeA: layout & 1 == 1, transposeB: layout & 2 == 2, accumulate: (index + layout) % 2 == 1))
      }
    }
    return cases
  }()
}

/// Random operands for a product, with C's starting values.
struct ProductOperands {
  var a, b, c: [Float]

  init(_ shape: ProductShape, using rng: inout SplitMix64) {
    a = (0..<(shape.m * shape.k)).map { _ in rng.nextUniform() * 2 - 1 }
    b = (0..<(shape.k * shape.n)).map { _ in rng.nextUniform() * 2 - 1 }
    c = (0..<(shape.m * shape.n)).map { _ in rng.nextUniform() * 2 - 1 }
  }

  /// The product in double precision, with each element's sum of |products| (to bound rounding).
  func exact(_ s: ProductShape) -> (values: [Double], magnitudes: [Double]) {
    var values = [Double](repeating: 0, count: s.m * s.n)
    var magnitudes = values
    for i in 0..<s.m {
      for j in 0..<s.n {
        var sum = s.accumulate ? Double(c[i * s.n + j]) : 0
        var magnitude = abs(sum)
        for p in 0..<s.k {
          let x = Double(s.transposeA ? a[p * s.m + i] : a[i * s.k + p])
          let y = Double(s.transposeB ? b[j * s.k + p] : b[p * s.n + j])
          sum += x * y
          magnitude += abs(x * y)
        }
        values[i * s.n + j] = sum
        magnitudes[i * s.n + j] = magnitude
      }
    }
    return (values, magnitudes)
  }

  /// CKernels' product at `level` (with B and A read in place where they can be, or always packed).
  func own(_ s: ProductShape, level: InstructionLevel, bInPlace: Bool = true, aInPlace: Bool = true) -> [Float] {
    var result = c
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        result.withUnsafeMutableBufferPointer {
          MatrixProducts.own(
            a, transposeA: s.transposeA, b, transposeB: s.transposeB, $0, m: s.m, n: s.n, k: s.k, accumulate: s.accumulate,
            level: level, bInPlace: bInPlace, aInPlace: aInPlace)
        }
      }
    }
    return result
  }

  /// OpenBLAS's product (the reference path).
  func reference(_ s: ProductShape) -> [Float] {
    var result = c
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        result.withUnsafeMutableBufferPointer {
          BLAS.gemm(a, transposeA: s.transposeA, b, transposeB: s.transposeB, $0, m: s.m, n: s.n, k: s.k, beta: s.accumulate ? 1 : 0)
        }
      }
    }
    return result
  }
}

/// Whether every element of `result` is within single-precision rounding of `exact`: a sum of k
/// products is off by at most about k·ε·Σ|products|.
func withinRounding(_ result: [Float], _ exact: (values: [Double], magnitudes: [Double]), k: Int) -> Bool {
  zip(result, zip(exact.values, exact.magnitudes)).allSatisfy { value, reference in
    abs(Double(value) - reference.0) <= Double(k + 2) * 1.2e-7 * reference.1 + 1e-30
  }
}

@Suite struct MatrixProductTests {
  /// CKernels' products, at every level this processor runs, and OpenBLAS's are each within
  /// rounding of the double-precision product (so a wrong index, a lost edge or a missed block
  /// fails, while a different order of additions passes).
  @Test(arguments: InstructionLevel.supported)
  func ownProductsMatchTheExactProductLikeOpenBLAS(level: InstructionLevel) {
    var rng = SplitMix64(seed: 32)
    for shape in ProductShape.cases {
      let operands = ProductOperands(shape, using: &rng)
      let exact = operands.exact(shape)
      #expect(withinRounding(operands.own(shape, level: level), exact, k: shape.k), "\(level) \(shape.testDescription)")
      #expect(withinRounding(operands.reference(shape), exact, k: shape.k), "OpenBLAS \(shape.testDescription)")
    }
  }

  /// Each element is summed the same way whatever thread computes it: 1, 2 and 3 threads give the
  /// same bits (products large enough to be split).
  @Test(arguments: InstructionLevel.supported)
  func resultsDoNotDependOnTheThreadCount(level: InstructionLevel) {
    var rng = SplitMix64(seed: 33)
    let shapes = [
      ProductShape(m: 32, n: 3136, k: 512), ProductShape(m: 576, n: 97, k: 64, transposeA: true, accumulate: true),
      ProductShape(m: 100, n: 130, k: 300, transposeB: true), ProductShape(m: 7, n: 2000, k: 200, transposeA: true, transposeB: true),
    ]
    let threads = ComputeThreads.count
    defer { ckernels_set_threads(Int32(threads)) }
    for shape in shapes {
      let operands = ProductOperands(shape, using: &rng)
      ckernels_set_threads(1)
      let single = operands.own(shape, level: level)
      for count in [2, 3] {
        ckernels_set_threads(Int32(count))
        #expect(operands.own(shape, level: level) == single, "\(level) \(shape.testDescription), \(count) threads")
      }
    }
  }

  /// For every shape, on 1 and 2 threads: `product(operands, shape, true)` (an operand read in
  /// place) has the bits of `product(operands, shape, false)` (packed); `alsoCheck` gets the
  /// operands, the shape, the packed result and the thread count for more comparisons.
  private func expectInPlaceGivesThePackedBits(
    _ shapes: [ProductShape], level: InstructionLevel, seed: UInt64,
    _ product: (ProductOperands, ProductShape, Bool) -> [Float],
    alsoCheck: (ProductOperands, ProductShape, [Float], Int) -> Void = { _, _, _, _ in }
  ) {
    var rng = SplitMix64(seed: seed)
    let threads = ComputeThreads.count
    defer { ckernels_set_threads(Int32(threads)) }
    for threadCount in [1, 2] {
      ckernels_set_threads(Int32(threadCount))
      for shape in shapes {
        let operands = ProductOperands(shape, using: &rng)
        let packed = product(operands, shape, false)
        #expect(
          product(operands, shape, true).map(\.bitPattern) == packed.map(\.bitPattern),
          "\(level) \(shape.testDescription), \(threadCount) threads")
        alsoCheck(operands, shape, packed, threadCount)
      }
    }
  }

  /// Reading a row-major B in place (its whole slivers; the narrower last one packed) gives the
  /// bits of packing all of it, at every level: the edge cases of the blocking, and products wider
  /// than a block of columns with a tail (1030 = 1024 + 6) or split over threads.
  @Test(arguments: InstructionLevel.supported)
  func readingBInPlaceGivesThePackedBits(level: InstructionLevel) {
    let shapes = ProductShape.cases.filter { !$0.transposeB } + [
      ProductShape(m: 32, n: 1024, k: 128), ProductShape(m: 128, n: 1024, k: 32, transposeA: true, accumulate: true),
      ProductShape(m: 9, n: 2070, k: 300), ProductShape(m: 32, n: 3136, k: 512, transposeA: true),
    ]
    expectInPlaceGivesThePackedBits(shapes, level: level, seed: 35) { operands, shape, inPlace in
      operands.own(shape, level: level, bInPlace: inPlace)
    }
  }

  /// Reading A where it is (row-major or transposed) gives the bits of packing it, at every level:
  /// the edge cases of the blocking (rows that do not fill a tile, shared dimensions over several
  /// blocks, accumulation), the dense layers' products at batch 32, products at and past each
  /// level's column limit (512 for AVX-512, 2048 for AVX2), and 1 and 2 threads. The same with B
  /// packed beforehand (a layer's packed weights).
  @Test(arguments: InstructionLevel.supported)
  func readingAInPlaceGivesThePackedBits(level: InstructionLevel) {
    let shapes = ProductShape.cases + [
      ProductShape(m: 32, n: 128, k: 1024, transposeB: true), ProductShape(m: 128, n: 1024, k: 32, transposeA: true, accumulate: true),
      ProductShape(m: 32, n: 1024, k: 128), ProductShape(m: 16, n: 36, k: 2048, transposeB: true, accumulate: true),
      ProductShape(m: 130, n: 512, k: 300, transposeA: true), ProductShape(m: 13, n: 513, k: 40),
      ProductShape(m: 9, n: 2048, k: 257, accumulate: true), ProductShape(m: 7, n: 2049, k: 20, transposeA: true),
    ]
    expectInPlaceGivesThePackedBits(shapes, level: level, seed: 36) { operands, shape, inPlace in
      operands.own(shape, level: level, aInPlace: inPlace)
    } alsoCheck: { operands, shape, packed, threadCount in
      guard shape.n > 0, shape.k > 0, shape.m > 0 else { return }
      var weights = PackedMatrix()
      var prepared = false
      operands.b.withUnsafeBufferPointer { b in
        for _ in 0...PackedMatrix.sightsBeforePacking {
          prepared = weights.prepare(b, transposeB: shape.transposeB, k: shape.k, n: shape.n, version: 1, level: level)
        }
      }
      #expect(prepared)
      for aInPlace in [true, false] {
        var result = operands.c
        operands.a.withUnsafeBufferPointer { a in
          result.withUnsafeMutableBufferPointer {
            weights.product(
              a, transposeA: shape.transposeA, $0, m: shape.m, n: shape.n, k: shape.k, accumulate: shape.accumulate,
              aInPlace: aInPlace)
          }
        }
        #expect(
          result.map(\.bitPattern) == packed.map(\.bitPattern),
          "\(level) \(shape.testDescription), packed weights, A in place \(aInPlace), \(threadCount) threads")
      }
    }
  }

  /// Adding onto zeros C does not hold (`CKERNELS_ONTO_ZEROS`: a lazily zeroed gradient) gives the
  /// bits of adding onto a C of written zeros, whatever C held, at every level, in all four layouts,
  /// over one or several blocks of the shared dimension, through OpenBLAS too; a sum of -0 (one
  /// product underflowing below the smallest float) is stored as 0 there, where overwriting
  /// would store -0.
  @Test(arguments: InstructionLevel.supported)
  func addingOntoZerosGivesTheBitsOfAddingToWrittenZeros(level: InstructionLevel) {
    var rng = SplitMix64(seed: 37)
    let shapes = ProductShape.cases.map { shape -> ProductShape in
      var shape = shape
      shape.accumulate = true
      return shape
    } + [ProductShape(m: 128, n: 1024, k: 32, transposeA: true, accumulate: true), ProductShape(m: 9, n: 70, k: 600, accumulate: true)]
    for shape in shapes {
      var operands = ProductOperands(shape, using: &rng)
      if shape.k == 1 && shape.m * shape.n > 0 {
        operands.a[0] = -1e-30  // × about 1e-30 underflows to -0
        operands.b[0] = 1e-30
      }
      var zeroed = operands
      zeroed.c = [Float](repeating: 0, count: operands.c.count)
      let expected = zeroed.own(shape, level: level)
      for paths in [FastPaths.all, []] {
        var result = operands.c  // what C held: the product must not read it
        operands.a.withUnsafeBufferPointer { a in
          operands.b.withUnsafeBufferPointer { b in
            result.withUnsafeMutableBufferPointer {
              if paths.isEmpty {
                MatrixProducts.gemm(
                  a, transposeA: shape.transposeA, b, transposeB: shape.transposeB, $0, m: shape.m, n: shape.n, k: shape.k, beta: 1,
                  ontoZeros: true, paths: [])
              } else {
                MatrixProducts.own(
                  a, transposeA: shape.transposeA, b, transposeB: shape.transposeB, $0, m: shape.m, n: shape.n, k: shape.k,
                  accumulate: true, ontoZeros: true, level: level)
              }
            }
          }
        }
        let reference = paths.isEmpty ? zeroed.reference(shape) : expected
        #expect(result.map(\.bitPattern) == reference.map(\.bitPattern), "\(level) \(shape.testDescription) \(paths)")
      }
      if shape.k == 1 && shape.m * shape.n > 0 {
        var overwritten = operands
        overwritten.c = [Float](repeating: 0, count: operands.c.count)
        var plain = shape
        plain.accumulate = false
        #expect(expected[0].bitPattern == 0)
        if level >= .avx2 {  // fused multiply-adds: the underflowing product is -0 (the plain C adds it to 0)
          #expect(overwritten.own(plain, level: level)[0].bitPattern == (-0.0 as Float).bitPattern)
        }
      }
    }
  }

  /// The same product twice gives the same bits (no state carries over between products).
  @Test func productsAreRepeatable() {
    var rng = SplitMix64(seed: 34)
    let shape = ProductShape(m: 33, n: 130, k: 270, transposeB: true, accumulate: true)
    let operands = ProductOperands(shape, using: &rng)
    #expect(operands.own(shape, level: .detected) == operands.own(shape, level: .detected))
  }

  /// `MatrixProducts.gemm` sends small products and non-fast-path layers to OpenBLAS, and the rest
  /// to CKernels: bit-identical to the path it chose.
  @Test func gemmChoosesByPathAndSize() {
    var rng = SplitMix64(seed: 35)
    let cases: [(ProductShape, FastPaths)] = [
      (ProductShape(m: 32, n: 128, k: 1024, transposeB: true), .all), (ProductShape(m: 32, n: 128, k: 1024, transposeB: true), []),
      (ProductShape(m: 32, n: 6, k: 128, transposeB: true), .all),
    ]
    for (shape, paths) in cases {
      let operands = ProductOperands(shape, using: &rng)
      var result = operands.c
      operands.a.withUnsafeBufferPointer { a in
        operands.b.withUnsafeBufferPointer { b in
          result.withUnsafeMutableBufferPointer {
            MatrixProducts.gemm(a, transposeA: shape.transposeA, b, transposeB: shape.transposeB, $0, m: shape.m, n: shape.n, k: shape.k, paths: paths)
          }
        }
      }
      let own = paths.contains(.matrixProducts) && shape.m * shape.n * shape.k >= MatrixProducts.smallestOwnProduct
      #expect(result == (own ? operands.own(shape, level: .detected) : operands.reference(shape)), "\(shape.testDescription) \(paths)")
    }
  }
}
