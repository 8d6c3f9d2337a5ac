import CKernels
import Testing

@testable import NeuralNetwork

/// `ckernels_col2im_rows`, the input gradient's fold an image row at a time, against the tap-by-tap
/// fold (`col2imTransposed`): the same bits.
@Suite struct Col2ImRowsTests {
  /// Folds `columns` (for `g`) both ways at `level`: the tap-by-tap fold, and the row fold or nil
  /// where the level does not take the geometry (then the output must be untouched).
  static func fold(_ columns: [Float], _ g: WindowGeometry, level: InstructionLevel) -> (tapByTap: [Float], byRows: [Float]?) {
    let size = g.batch * g.channels * g.height * g.width
    var scratch = columns
    var expected = [Float](repeating: 7, count: size)
    scratch.withUnsafeMutableBufferPointer { c in expected.withUnsafeMutableBufferPointer { col2imTransposed(destroying: c, g, into: $0) } }
    var byRows = [Float](repeating: 7, count: size)
    let done = columns.withUnsafeBufferPointer { c in
      byRows.withUnsafeMutableBufferPointer {
        ckernels_col2im_rows(
          level.rawValue, c.baseAddress, $0.baseAddress, Int32(g.batch), Int32(g.channels), Int32(g.height), Int32(g.width),
          Int32(g.kernelHeight), Int32(g.kernelWidth), Int32(g.stride), Int32(g.padding)) != 0
      }
    }
    if !done {
      #expect(byRows.allSatisfy { $0 == 7 }, "\(level) \(g): refused, yet wrote")
      return (expected, nil)
    }
    return (expected, byRows)
  }

  /// The same bits (any NaN for a NaN: which of two NaNs a sum keeps is the compiler's choice).
  static func sameBits(_ a: [Float], _ b: [Float]) -> Bool {
    zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
  }

  /// Random geometries: strides 1 and 2 (taken from AVX2 up) and 3 (refused), kernels the stride
  /// does not divide or larger than the image with padding, images whose last rows and columns no
  /// window reaches, rows shorter and longer than a register's 8 floats; columns holding ±0, ±∞ and
  /// NaN among random values, so that a lane that should add −0 and does not, or a sum in another
  /// order, shows. Also the Nature network's second and third convolutions.
  @Test(arguments: InstructionLevel.supported)
  func foldingByRowsGivesTheBitsOfTheTapByTapFold(level: InstructionLevel) {
    var rng = SplitMix64(seed: 61)
    var cases = [
      WindowGeometry(batch: 6, channels: 32, height: 20, width: 20, kernelHeight: 4, kernelWidth: 4, stride: 2, padding: 0),
      WindowGeometry(batch: 9, channels: 64, height: 9, width: 9, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 0),
      WindowGeometry(batch: 1, channels: 1, height: 1, width: 1, kernelHeight: 1, kernelWidth: 1, stride: 1, padding: 0),
      WindowGeometry(batch: 2, channels: 3, height: 28, width: 28, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1),
    ]
    while cases.count < 80 {
      let kernelHeight = 1 + rng.nextInt(below: 6), kernelWidth = 1 + rng.nextInt(below: 6)
      let stride = 1 + rng.nextInt(below: 3), padding = rng.nextInt(below: 3)
      let height = max(1, kernelHeight - 2 * padding) + rng.nextInt(below: 30)
      let width = max(1, kernelWidth - 2 * padding) + rng.nextInt(below: 40)
      cases.append(
        WindowGeometry(
          batch: 1 + rng.nextInt(below: 3), channels: 1 + rng.nextInt(below: 4), height: height, width: width,
          kernelHeight: kernelHeight, kernelWidth: kernelWidth, stride: stride, padding: padding))
    }
    let special: [Float] = [0, -0, .infinity, -.infinity, .nan, -0, Float.leastNormalMagnitude / 4, -Float.leastNormalMagnitude / 4]
    var taken = 0
    for (index, g) in cases.enumerated() {
      let columns = (0..<(g.columnRows * g.columnWidth)).map { _ -> Float in
        // The first four cases are plain random numbers (as gradients are); the rest mix in specials.
        index >= 4 && rng.nextInt(below: 6) == 0 ? special[rng.nextInt(below: special.count)] : rng.nextUniform() * 2 - 1
      }
      let (expected, byRows) = Self.fold(columns, g, level: level)
      let shouldTake = level >= .avx2 && g.stride <= 2 && g.height <= 128
      #expect((byRows != nil) == shouldTake, "\(level) \(g): taken \(byRows != nil)")
      if let byRows {
        taken += 1
        #expect(Self.sameBits(byRows, expected), "\(level) \(g)")
      }
    }
    if level >= .avx2 { #expect(taken > 40) }
  }

  /// Chains of several taps whose sums round differently in another order (magnitudes 1 and
  /// 2⁻²⁴), and signed zeros: the row fold's unused lanes add +0, exact only because no sum of
  /// the fold is ever −0 (each starts at +0, and +0 + −0 is +0); columns of −0 alone fold to +0.
  @Test(arguments: InstructionLevel.supported.filter { $0 >= .avx2 })
  func roundingAndSignedZerosFollowTheTapByTapOrder(level: InstructionLevel) {
    var rng = SplitMix64(seed: 62)
    for g in [
      WindowGeometry(batch: 2, channels: 2, height: 9, width: 9, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 0),
      WindowGeometry(batch: 2, channels: 2, height: 20, width: 20, kernelHeight: 4, kernelWidth: 4, stride: 2, padding: 0),
      WindowGeometry(batch: 1, channels: 2, height: 11, width: 13, kernelHeight: 5, kernelWidth: 3, stride: 2, padding: 2),
      WindowGeometry(batch: 1, channels: 2, height: 12, width: 17, kernelHeight: 5, kernelWidth: 4, stride: 1, padding: 2),
    ] {
      let count = g.columnRows * g.columnWidth
      let zeros = (0..<count).map { _ in rng.nextInt(below: 2) == 0 ? Float(0) : -Float(0) }
      let negativeZeros = [Float](repeating: -0, count: count)
      let rounding = (0..<count).map { _ in [Float(1), -1, 0x1p-24, -0x1p-24, 0x1.8p-24][rng.nextInt(below: 5)] }
      for columns in [zeros, negativeZeros, rounding] {
        let (expected, byRows) = Self.fold(columns, g, level: level)
        #expect(byRows.map { Self.sameBits($0, expected) } == true, "\(level) \(g)")
      }
      let (_, folded) = Self.fold(negativeZeros, g, level: level)
      #expect(folded?.allSatisfy { $0 == 0 && $0.sign == .plus } == true, "\(level) \(g)")
    }
  }

  /// The grouped input gradient (`ImplicitConvolution.inputGradient`: Wᵀ read in place, a group of
  /// samples at a time, folded by rows) has the bits of the whole batch's product
  /// (`ckernels_sgemm`, packed) folded tap by tap, at every level: the Nature network's second
  /// and third convolutions at batch 32 (several groups), and small ones with padding, odd sizes
  /// and strides 1 to 3; on 1 and 2 threads, Wᵀ packed or read in place, folding by rows or tap by
  /// tap.
  @Test(arguments: InstructionLevel.supported)
  func groupedInputGradientGivesTheBitsOfTheProductFoldedTapByTap(level: InstructionLevel) {
    let threads = ComputeThreads.count
    defer { ckernels_set_threads(Int32(threads)) }
    var rng = SplitMix64(seed: 63)
    let cases: [(WindowGeometry, filters: Int)] = [
      (WindowGeometry(batch: 32, channels: 32, height: 20, width: 20, kernelHeight: 4, kernelWidth: 4, stride: 2, padding: 0), 64),
      (WindowGeometry(batch: 32, channels: 64, height: 9, width: 9, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 0), 64),
      (WindowGeometry(batch: 3, channels: 5, height: 13, width: 11, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1), 7),
      (WindowGeometry(batch: 2, channels: 3, height: 15, width: 17, kernelHeight: 5, kernelWidth: 4, stride: 2, padding: 2), 9),
      (WindowGeometry(batch: 2, channels: 2, height: 12, width: 12, kernelHeight: 4, kernelWidth: 4, stride: 3, padding: 1), 5),
    ]
    for (g, filters) in cases {
      let weights = (0..<(filters * g.columnWidth)).map { _ in rng.nextUniform() * 2 - 1 }
      let rowsGradient = (0..<(filters * g.columnRows)).map { _ in rng.nextUniform() * 2 - 1 }
      // columns[taps, positions] = Wᵀ · dY, the whole batch in one product.
      var columns = [Float](repeating: 0, count: g.columnWidth * g.columnRows)
      weights.withUnsafeBufferPointer { w in
        rowsGradient.withUnsafeBufferPointer { dr in
          columns.withUnsafeMutableBufferPointer { c in
            ckernels_sgemm(
              level.rawValue, 1, 0, Int32(g.columnWidth), Int32(g.columnRows), Int32(filters), w.baseAddress,
              Int32(g.columnWidth), dr.baseAddress, Int32(g.columnRows), 0, 0, c.baseAddress, Int32(g.columnRows))
          }
        }
      }
      let size = g.batch * g.channels * g.height * g.width
      var expected = [Float](repeating: 7, count: size)
      columns.withUnsafeMutableBufferPointer { c in expected.withUnsafeMutableBufferPointer { col2imTransposed(destroying: c, g, into: $0) } }
      for threads in [1, 2] {
        for (aInPlace, foldByRows) in [(true, true), (false, true), (true, false), (false, false)] {
          ckernels_set_threads(Int32(threads))
          var gradient = [Float](repeating: 7, count: size)
          let done = weights.withUnsafeBufferPointer { w in
            rowsGradient.withUnsafeBufferPointer { dr in
              gradient.withUnsafeMutableBufferPointer {
                ImplicitConvolution.inputGradient(
                  weights: w, filters: filters, rowsGradient: dr, g, into: $0, level: level, aInPlace: aInPlace,
                  foldByRows: foldByRows)
              }
            }
          }
          #expect(done)
          #expect(
            gradient.map(\.bitPattern) == expected.map(\.bitPattern),
            "\(level) \(g), \(threads) threads, W in place \(aInPlace), by rows \(foldByRows)")
        }
      }
    }
  }
}
