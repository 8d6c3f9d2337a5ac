import CKernels
import Testing

@testable import NeuralNetwork

/// Window geometries for the convolution tests: the networks' own (MinAtar, Nature at batch 2 and
/// 1), padding, strides larger than 1 and than the kernel, non-square kernels, kernels as large as
/// the image, one channel, and random ones.
let convolutionGeometries: [WindowGeometry] = {
  var shapes = [
    (2, 4, 10, 10, 3, 3, 1, 0), (1, 4, 10, 10, 3, 3, 1, 0), (2, 4, 84, 84, 8, 8, 4, 0), (1, 32, 20, 20, 4, 4, 2, 0),
    (2, 64, 9, 9, 3, 3, 1, 0), (3, 3, 7, 6, 3, 3, 1, 1), (2, 2, 9, 11, 3, 2, 2, 1), (2, 3, 6, 6, 5, 5, 3, 2),
    (1, 1, 5, 5, 5, 5, 1, 0), (4, 1, 28, 28, 5, 5, 1, 2), (2, 5, 8, 8, 1, 1, 2, 0), (1, 17, 4, 13, 2, 7, 1, 3),
  ]
  var rng = SplitMix64(seed: 41)
  for _ in 0..<8 {
    let kernelHeight = 1 + rng.nextInt(below: 5), kernelWidth = 1 + rng.nextInt(below: 5)
    shapes.append((
      1 + rng.nextInt(below: 4), 1 + rng.nextInt(below: 6), kernelHeight + rng.nextInt(below: 12), kernelWidth + rng.nextInt(below: 12),
      kernelHeight, kernelWidth, 1 + rng.nextInt(below: 3), rng.nextInt(below: 3)
    ))
  }
  return shapes.map {
    WindowGeometry(batch: $0.0, channels: $0.1, height: $0.2, width: $0.3, kernelHeight: $0.4, kernelWidth: $0.5, stride: $0.6, padding: $0.7)
  }
}()

/// `im2colTransposed` of `input`: the column matrix the reference path multiplies.
func columnMatrix(_ input: [Float], _ g: WindowGeometry) -> [Float] {
  var columns = [Float](repeating: .nan, count: g.columnRows * g.columnWidth)
  input.withUnsafeBufferPointer { x in columns.withUnsafeMutableBufferPointer { im2colTransposed(x, g, into: $0) } }
  return columns
}

@Suite struct ImplicitConvolutionTests {
  /// The implicit forward at every level, with and without the space-to-depth copy, equals the
  /// reference product `W · im2col(x)` within rounding; neither the copy nor reading the weights
  /// in place (`FastPaths.inPlaceA`) changes a bit.
  @Test(arguments: InstructionLevel.supported)
  func forwardMatchesIm2colTimesWeights(level: InstructionLevel) {
    var rng = SplitMix64(seed: 42)
    for g in convolutionGeometries {
      let filters = 1 + rng.nextInt(below: 20)
      let input = (0..<(g.batch * g.channels * g.height * g.width)).map { _ in rng.nextUniform() * 2 - 1 }
      let shape = ProductShape(m: filters, n: g.columnRows, k: g.columnWidth)
      var operands = ProductOperands(shape, using: &rng)
      operands.b = columnMatrix(input, g)
      var outputs: [[Float]] = []
      for (spaceToDepth, aInPlace) in [(true, true), (false, true), (true, false)] {
        var output = [Float](repeating: .nan, count: filters * g.columnRows)
        operands.a.withUnsafeBufferPointer { w in
          input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer {
              ImplicitConvolution.forward(
                weights: w, filters: filters, input: x, g, into: $0, level: level, spaceToDepth: spaceToDepth, aInPlace: aInPlace)
            }
          }
        }
        #expect(withinRounding(output, operands.exact(shape), k: shape.k), "\(level) \(g), \(filters) filters, space-to-depth \(spaceToDepth)")
        outputs.append(output)
      }
      #expect(outputs[0].map(\.bitPattern) == outputs[1].map(\.bitPattern), "\(level) \(g): space-to-depth changed bits")
      #expect(outputs[0].map(\.bitPattern) == outputs[2].map(\.bitPattern), "\(level) \(g): weights in place changed bits")
    }
  }

  /// The space-to-depth copy reads every pixel a window needs, including the last rows and columns
  /// of an image whose size is not a multiple of the stride, and nothing past them: an input whose
  /// unused border holds NaN gives the reference's finite result.
  @Test(arguments: InstructionLevel.supported)
  func spaceToDepthReadsOnlyThePixelsWindowsCover(level: InstructionLevel) {
    var rng = SplitMix64(seed: 46)
    // 10 wide, kernel 3, stride 4: windows at columns 0 and 4 cover columns 0…6; 7…9 are unused.
    for g in [
      WindowGeometry(batch: 2, channels: 3, height: 10, width: 10, kernelHeight: 3, kernelWidth: 3, stride: 4, padding: 0),
      WindowGeometry(batch: 3, channels: 2, height: 9, width: 13, kernelHeight: 2, kernelWidth: 5, stride: 3, padding: 0),
    ] {
      var input = (0..<(g.batch * g.channels * g.height * g.width)).map { _ in rng.nextUniform() * 2 - 1 }
      let usedHeight = (g.outputHeight - 1) * g.stride + g.kernelHeight, usedWidth = (g.outputWidth - 1) * g.stride + g.kernelWidth
      for i in input.indices where i / g.width % g.height >= usedHeight || i % g.width >= usedWidth { input[i] = .nan }
      let filters = 5
      let shape = ProductShape(m: filters, n: g.columnRows, k: g.columnWidth)
      var operands = ProductOperands(shape, using: &rng)
      operands.b = columnMatrix(input, g)
      #expect(operands.b.allSatisfy { $0.isFinite })
      var output = [Float](repeating: .nan, count: filters * g.columnRows)
      operands.a.withUnsafeBufferPointer { w in
        input.withUnsafeBufferPointer { x in
          output.withUnsafeMutableBufferPointer { ImplicitConvolution.forward(weights: w, filters: filters, input: x, g, into: $0, level: level) }
        }
      }
      #expect(withinRounding(output, operands.exact(shape), k: shape.k), "\(level) \(g)")
    }
  }

  /// The implicit weight gradient at every level equals `dW + dY · im2col(x)ᵀ` within rounding.
  @Test(arguments: InstructionLevel.supported)
  func weightGradientMatchesRowsGradientTimesIm2colTransposed(level: InstructionLevel) {
    var rng = SplitMix64(seed: 43)
    for g in convolutionGeometries {
      let filters = 1 + rng.nextInt(below: 20)
      let input = (0..<(g.batch * g.channels * g.height * g.width)).map { _ in rng.nextUniform() * 2 - 1 }
      // dW[F, Ckk] += dR[F, R] · columnsᵀ: B is the column matrix, transposed.
      let shape = ProductShape(m: filters, n: g.columnWidth, k: g.columnRows, transposeB: true, accumulate: true)
      var operands = ProductOperands(shape, using: &rng)
      operands.b = columnMatrix(input, g)
      // With the output gradient (A) read in place and packed: the same bits.
      var gradients: [[Float]] = []
      for aInPlace in [true, false] {
        var gradient = operands.c
        operands.a.withUnsafeBufferPointer { dr in
          input.withUnsafeBufferPointer { x in
            gradient.withUnsafeMutableBufferPointer {
              ImplicitConvolution.weightGradient(
                rowsGradient: dr, filters: filters, input: x, g, accumulatingInto: $0, level: level, aInPlace: aInPlace)
            }
          }
        }
        gradients.append(gradient)
      }
      #expect(withinRounding(gradients[0], operands.exact(shape), k: shape.k), "\(level) \(g), \(filters) filters")
      #expect(gradients[0].map(\.bitPattern) == gradients[1].map(\.bitPattern), "\(level) \(g), A in place or packed")
    }
  }

  /// The grouped input gradient at every level equals col2im(Wᵀ · dY) (the reference product and
  /// fold) within rounding.
  @Test(arguments: InstructionLevel.supported)
  func inputGradientMatchesTheFoldedProduct(level: InstructionLevel) {
    var rng = SplitMix64(seed: 45)
    for g in convolutionGeometries {
      let filters = 1 + rng.nextInt(below: 20)
      let weights = (0..<(filters * g.columnWidth)).map { _ in rng.nextUniform() * 2 - 1 }
      let rowsGradient = (0..<(filters * g.columnRows)).map { _ in rng.nextUniform() * 2 - 1 }
      // The reference: columns = Wᵀ · dY in double precision, folded element by element (with
      // each pixel's sum of magnitudes to bound the rounding).
      var columns = [Double](repeating: 0, count: g.columnWidth * g.columnRows)
      var magnitudes = columns
      for t in 0..<g.columnWidth {
        for r in 0..<g.columnRows {
          for f in 0..<filters {
            let product = Double(weights[f * g.columnWidth + t]) * Double(rowsGradient[f * g.columnRows + r])
            columns[t * g.columnRows + r] += product
            magnitudes[t * g.columnRows + r] += abs(product)
          }
        }
      }
      let size = g.batch * g.channels * g.height * g.width
      var expected = [Double](repeating: 0, count: size), bound = expected
      let taps = g.kernelHeight * g.kernelWidth, plane = g.outputHeight * g.outputWidth
      for t in 0..<g.columnWidth {
        let (c, ky, kx) = (t / taps, t % taps / g.kernelWidth, t % g.kernelWidth)
        for r in 0..<g.columnRows {
          let (n, oy, ox) = (r / plane, r % plane / g.outputWidth, r % g.outputWidth)
          let (y, x) = (oy * g.stride - g.padding + ky, ox * g.stride - g.padding + kx)
          guard y >= 0, y < g.height, x >= 0, x < g.width else { continue }
          let pixel = ((n * g.channels + c) * g.height + y) * g.width + x
          expected[pixel] += columns[t * g.columnRows + r]
          bound[pixel] += magnitudes[t * g.columnRows + r]
        }
      }
      var gradient = [Float](repeating: .nan, count: size)
      let done = weights.withUnsafeBufferPointer { w in
        rowsGradient.withUnsafeBufferPointer { dr in
          gradient.withUnsafeMutableBufferPointer {
            ImplicitConvolution.inputGradient(weights: w, filters: filters, rowsGradient: dr, g, into: $0, level: level)
          }
        }
      }
      #expect(done)
      let tolerance = Double(filters + taps + 2) * 1.2e-7
      #expect(zip(gradient, zip(expected, bound)).allSatisfy { abs(Double($0) - $1.0) <= tolerance * $1.1 + 1e-30 }, "\(level) \(g)")
    }
  }

  /// One sample's column gradient larger than the buffer is refused (the layer then folds the
  /// whole batch's).
  @Test func inputGradientRefusesSamplesLargerThanItsBuffer() {
    let g = WindowGeometry(batch: 1, channels: 64, height: 40, width: 40, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1)
    let weights = [Float](repeating: 0, count: g.columnWidth), rowsGradient = [Float](repeating: 0, count: g.columnRows)
    var gradient = [Float](repeating: 7, count: g.channels * g.height * g.width)
    let done = weights.withUnsafeBufferPointer { w in
      rowsGradient.withUnsafeBufferPointer { dr in
        gradient.withUnsafeMutableBufferPointer { ImplicitConvolution.inputGradient(weights: w, filters: 1, rowsGradient: dr, g, into: $0) }
      }
    }
    #expect(!done)
    #expect(gradient.allSatisfy { $0 == 7 })
  }

  /// A convolution's weight gradient computed transposed, the image read along its rows (a strided
  /// one's space-to-depth copy), has the bits of the usual implicit product, at every level and on
  /// 1 or 2 threads: MinAtar's, the Nature network's three (large enough to split over threads), and
  /// random ones, strides 1 to 4, kernels that the stride does not divide and images whose last
  /// rows and columns no window reaches, whose output rows straddle the 256-position blocks, onto a
  /// gradient that is not zero. (Strided with output rows under 16, it takes the usual product.)
  @Test(arguments: InstructionLevel.supported)
  func weightGradientByRowsGivesTheBitsOfTheUsualProduct(level: InstructionLevel) {
    var rng = SplitMix64(seed: 46)
    var cases: [(WindowGeometry, filters: Int)] = [
      (WindowGeometry(batch: 32, channels: 4, height: 10, width: 10, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 0), 16),
      (WindowGeometry(batch: 32, channels: 64, height: 9, width: 9, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 0), 64),
      (WindowGeometry(batch: 1, channels: 1, height: 3, width: 3, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 0), 1),
      (WindowGeometry(batch: 32, channels: 4, height: 84, width: 84, kernelHeight: 8, kernelWidth: 8, stride: 4, padding: 0), 32),
      (WindowGeometry(batch: 32, channels: 32, height: 20, width: 20, kernelHeight: 4, kernelWidth: 4, stride: 2, padding: 0), 64),
      // Kernel rows of 3 taps and at most 16 filters (AVX-512's tiles of kernel rows): 7, 9 and 13
      // kernel rows (tiles of 6 and what is left), positions over several blocks of 256, output
      // rows of one position.
      (WindowGeometry(batch: 5, channels: 7, height: 10, width: 11, kernelHeight: 1, kernelWidth: 3, stride: 1, padding: 0), 5),
      (WindowGeometry(batch: 9, channels: 3, height: 12, width: 9, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 0), 16),
      (WindowGeometry(batch: 2, channels: 13, height: 4, width: 5, kernelHeight: 1, kernelWidth: 3, stride: 1, padding: 0), 1),
      (WindowGeometry(batch: 3, channels: 2, height: 6, width: 3, kernelHeight: 2, kernelWidth: 3, stride: 1, padding: 0), 12),
    ]
    for index in 0..<20 {
      let kernelHeight = 1 + rng.nextInt(below: 5), kernelWidth = 1 + rng.nextInt(below: 5)
      // Strided ones from index 8 on, half of them with output rows of 16 or more (shorter ones
      // take the usual product).
      let stride = index < 8 ? 1 : 2 + index % 3
      let wide = index >= 8 && index % 2 == 0
      let g = WindowGeometry(
        batch: 1 + rng.nextInt(below: 6), channels: 1 + rng.nextInt(below: 7),
        height: kernelHeight + rng.nextInt(below: 14),
        width: kernelWidth + (wide ? 15 * stride : 0) + rng.nextInt(below: 14),
        kernelHeight: kernelHeight, kernelWidth: kernelWidth, stride: stride, padding: 0)
      cases.append((g, 1 + rng.nextInt(below: 70)))
    }
    let threads = ComputeThreads.count
    defer { ckernels_set_threads(Int32(threads)) }
    for (g, filters) in cases {
      let input = (0..<(g.batch * g.channels * g.height * g.width)).map { _ in rng.nextUniform() * 2 - 1 }
      let rowsGradient = (0..<(filters * g.columnRows)).map { _ in rng.nextUniform() * 2 - 1 }
      let start = (0..<(filters * g.columnWidth)).map { _ in rng.nextUniform() * 2 - 1 }
      func gradient(byRows: Bool, threads: Int) -> [UInt32] {
        ckernels_set_threads(Int32(threads))
        var gradient = start
        input.withUnsafeBufferPointer { x in
          rowsGradient.withUnsafeBufferPointer { dr in
            gradient.withUnsafeMutableBufferPointer {
              ImplicitConvolution.weightGradient(
                rowsGradient: dr, filters: filters, input: x, g, accumulatingInto: $0, level: level, byRows: byRows)
            }
          }
        }
        return gradient.map(\.bitPattern)
      }
      let usual = gradient(byRows: false, threads: 1)
      #expect(usual != start.map(\.bitPattern))
      for threads in [1, 2] {
        let differing = zip(gradient(byRows: true, threads: threads), usual).filter { $0 != $1 }.count
        #expect(differing == 0, "\(level) \(g), \(filters) filters, \(threads) thread(s)")
      }
    }
  }

  /// The direct convolution gives the bits of the implicit forward followed by the bias pass, with
  /// and without the ReLU, NaN and -0 included, on 1 or 2 threads. Narrow tiles: MinAtar's at
  /// batch 32 and 1, output rows of 2 to 16 positions (whole rows per tile, a last tile with fewer)
  /// and longer ones (tiles along a row, the last shifted back), up to 16 filters and 256 taps.
  /// Wide tiles: the Nature network's three (strides 4, 2 and 1; 256, 512 and 576 taps, so one to
  /// three blocks of taps) at batch 2 and 1, and random ones with strides 1, 2 and 4, up to 80 filters (a last pair
  /// of registers half empty) and rows of 6 to 40 positions; with AVX2 (wide tiles of 16 filters
  /// and 4 to 6 positions) the same cases where it takes them. Below AVX2, and for what it does not
  /// cover, it refuses and leaves the output alone.
  @Test(arguments: InstructionLevel.supported)
  func directConvolutionGivesTheBitsOfTheForwardAndBiasPass(level: InstructionLevel) {
    var rng = SplitMix64(seed: 48)
    func geometry(_ batch: Int, _ channels: Int, _ height: Int, _ width: Int, _ kernelHeight: Int, _ kernelWidth: Int, stride: Int = 1, padding: Int = 0)
      -> WindowGeometry
    {
      WindowGeometry(
        batch: batch, channels: channels, height: height, width: width, kernelHeight: kernelHeight, kernelWidth: kernelWidth,
        stride: stride, padding: padding)
    }
    var cases: [(WindowGeometry, filters: Int)] = [
      (geometry(32, 4, 10, 10, 3, 3), 16), (geometry(1, 10, 10, 10, 3, 3), 16), (geometry(3, 4, 10, 5, 3, 3), 16),
      (geometry(2, 1, 3, 40, 3, 3), 5), (geometry(1, 2, 7, 18, 2, 2), 9), (geometry(2, 16, 6, 6, 4, 4), 3),  // 256 taps
      (geometry(64, 8, 12, 12, 3, 3), 16),  // large enough to split over threads
      (geometry(2, 4, 84, 84, 8, 8, stride: 4), 32), (geometry(2, 32, 20, 20, 4, 4, stride: 2), 64),
      (geometry(2, 64, 9, 9, 3, 3), 64), (geometry(1, 4, 84, 84, 8, 8, stride: 4), 32),
      (geometry(1, 32, 20, 20, 4, 4, stride: 2), 64), (geometry(1, 64, 9, 9, 3, 3), 64),
      (geometry(8, 64, 9, 9, 3, 3), 64),  // large enough to split over threads
    ]
    for _ in 0..<16 {
      let stride = [1, 2, 4][rng.nextInt(below: 3)]
      let kernelHeight = 1 + rng.nextInt(below: 5), kernelWidth = 1 + rng.nextInt(below: 5)
      let g = geometry(
        1 + rng.nextInt(below: 3), 1 + rng.nextInt(below: 40), kernelHeight + rng.nextInt(below: 12),
        kernelWidth + 5 * stride + rng.nextInt(below: 35 * stride), kernelHeight, kernelWidth, stride: stride)
      cases.append((g, 17 + rng.nextInt(below: 64)))
    }
    for _ in 0..<24 {
      let kernelHeight = 1 + rng.nextInt(below: 4), kernelWidth = 1 + rng.nextInt(below: 4)
      let g = geometry(
        1 + rng.nextInt(below: 5), 1 + rng.nextInt(below: 6), kernelHeight + rng.nextInt(below: 12),
        kernelWidth + 1 + rng.nextInt(below: 30), kernelHeight, kernelWidth)
      cases.append((g, 1 + rng.nextInt(below: 16)))
    }
    let threads = ComputeThreads.count
    defer { ckernels_set_threads(Int32(threads)) }
    for (g, filters) in cases {
      var input = (0..<(g.batch * g.channels * g.height * g.width)).map { _ in rng.nextUniform() * 2 - 1 }
      input[rng.nextInt(below: input.count)] = .nan
      let weights = (0..<(filters * g.columnWidth)).map { _ in rng.nextUniform() * 2 - 1 }
      var bias = (0..<filters).map { _ in rng.nextUniform() - 0.5 }
      bias[0] = -0.0
      var product = [Float](repeating: 0, count: filters * g.columnRows)
      input.withUnsafeBufferPointer { x in
        weights.withUnsafeBufferPointer { w in
          product.withUnsafeMutableBufferPointer { ImplicitConvolution.forward(weights: w, filters: filters, input: x, g, into: $0, level: level) }
        }
      }
      for relu in [false, true] {
        var expected = [Float](repeating: 0, count: product.count)
        ckernels_add_bias_by_sample(
          product, &expected, filters, g.batch, g.outputHeight * g.outputWidth, bias, relu ? 1 : 0)
        for threadCount in [1, 2] {
          ckernels_set_threads(Int32(threadCount))
          var output = [Float](repeating: 7, count: product.count)
          let done = weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
              input.withUnsafeBufferPointer { x in
                output.withUnsafeMutableBufferPointer {
                  ImplicitConvolution.directForward(weights: w, filters: filters, bias: b, relu: relu, input: x, g, into: $0, level: level)
                }
              }
            }
          }
          // Every case has rows long enough for AVX-512. AVX2 has wide tiles alone (rows of 6 or
          // more, strides 1, 2 and 4), and leaves tiles of 4 positions with more than 16 filters
          // to the packed product.
          let rowTiles = (g.outputWidth + 5) / 6, positions = (g.outputWidth + rowTiles - 1) / rowTiles
          let avx2Takes = g.outputWidth >= 6 && [1, 2, 4].contains(g.stride) && !(positions == 4 && filters > 16)
          #expect(done == (level >= .avx512 || (level == .avx2 && avx2Takes)), "\(level) \(g), \(filters) filters")
          if done {
            #expect(output.map(\.bitPattern) == expected.map(\.bitPattern), "\(g), \(filters) filters, ReLU \(relu), \(threadCount) thread(s)")
          } else {
            #expect(output.allSatisfy { $0 == 7 })
          }
        }
      }
    }
    // What it leaves to the packed forward: 17 filters or a stride on rows under 6 positions, a
    // stride of 3, padding, 257 taps on rows of 3, rows of one.
    for (g, filters) in [
      (geometry(2, 4, 7, 7, 3, 3), 17), (geometry(2, 4, 10, 10, 3, 3, stride: 2), 16), (geometry(2, 4, 30, 30, 3, 3, stride: 3), 32),
      (geometry(2, 4, 10, 10, 3, 3, padding: 1), 16), (geometry(1, 257, 3, 3, 1, 1), 4), (geometry(2, 4, 10, 3, 3, 3), 16),
    ] {
      let input = [Float](repeating: 1, count: g.batch * g.channels * g.height * g.width)
      let weights = [Float](repeating: 1, count: filters * g.columnWidth), bias = [Float](repeating: 0, count: filters)
      var output = [Float](repeating: 7, count: filters * g.columnRows)
      let done = weights.withUnsafeBufferPointer { w in
        bias.withUnsafeBufferPointer { b in
          input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer {
              ImplicitConvolution.directForward(weights: w, filters: filters, bias: b, relu: true, input: x, g, into: $0, level: level)
            }
          }
        }
      }
      #expect(!done, "\(g), \(filters) filters")
      #expect(output.allSatisfy { $0 == 7 })
    }
  }

  /// The output step's bias and ReLU (CKernels, the widest vectors the processor has) give the
  /// bits of Swift's `max(x + b, 0)` and `x + b`, -0 and NaN included, rearranged [F, N, P] →
  /// [N, F, P], and in place at batch 1.
  @Test func biasAndReLUGiveTheBitsOfSwiftsMax() {
    var rng = SplitMix64(seed: 47)
    let special: [Float] = [-0.0, 0, .nan, -.infinity, .infinity, -Float.leastNormalMagnitude / 128, Float.leastNormalMagnitude / 128, -3, 3]
    for (filters, batch, plane) in [(3, 2, 5), (16, 32, 64), (5, 1, 37), (17, 3, 49)] {
      var product = (0..<(filters * batch * plane)).map { _ in rng.nextUniform() * 2 - 1 }
      for i in 0..<special.count { product[rng.nextInt(below: product.count)] = special[i] }
      var bias = (0..<filters).map { _ in rng.nextUniform() - 0.5 }
      bias[0] = -0.0
      product[0] = -0.0  // -0 + -0 is -0, which the ReLU makes 0
      for relu in [false, true] {
        var expected = [Float](repeating: .nan, count: product.count)
        for n in 0..<batch {
          for f in 0..<filters {
            for p in 0..<plane {
              let x = product[(f * batch + n) * plane + p] + bias[f]
              expected[(n * filters + f) * plane + p] = relu ? max(x, 0) : x
            }
          }
        }
        var output = [Float](repeating: 7, count: product.count)
        if batch == 1 {
          output = product
          output.withUnsafeMutableBufferPointer { out in
            ckernels_add_bias_by_sample(out.baseAddress, out.baseAddress, filters, 1, plane, bias, relu ? 1 : 0)
          }
        } else {
          ckernels_add_bias_by_sample(product, &output, filters, batch, plane, bias, relu ? 1 : 0)
        }
        #expect(output.map(\.bitPattern) == expected.map(\.bitPattern), "\(filters)×\(batch)×\(plane), ReLU \(relu)")
      }
    }
  }

  /// Split over threads, all three give the same bits as on one.
  @Test func resultsDoNotDependOnTheThreadCount() {
    var rng = SplitMix64(seed: 44)
    let g = WindowGeometry(batch: 8, channels: 32, height: 20, width: 20, kernelHeight: 4, kernelWidth: 4, stride: 2, padding: 1)
    let filters = 64
    let input = (0..<(g.batch * g.channels * g.height * g.width)).map { _ in rng.nextUniform() * 2 - 1 }
    let weights = (0..<(filters * g.columnWidth)).map { _ in rng.nextUniform() * 2 - 1 }
    let rowsGradient = (0..<(filters * g.columnRows)).map { _ in rng.nextUniform() * 2 - 1 }
    func run() -> (output: [Float], gradient: [Float], inputGradient: [Float]) {
      var output = [Float](repeating: 0, count: filters * g.columnRows)
      var gradient = weights
      var inputGradient = input
      input.withUnsafeBufferPointer { x in
        weights.withUnsafeBufferPointer { w in output.withUnsafeMutableBufferPointer { ImplicitConvolution.forward(weights: w, filters: filters, input: x, g, into: $0) } }
        rowsGradient.withUnsafeBufferPointer { dr in
          gradient.withUnsafeMutableBufferPointer { ImplicitConvolution.weightGradient(rowsGradient: dr, filters: filters, input: x, g, accumulatingInto: $0) }
          weights.withUnsafeBufferPointer { w in
            inputGradient.withUnsafeMutableBufferPointer { #expect(ImplicitConvolution.inputGradient(weights: w, filters: filters, rowsGradient: dr, g, into: $0)) }
          }
        }
      }
      return (output, gradient, inputGradient)
    }
    let threads = ComputeThreads.count
    defer { ckernels_set_threads(Int32(threads)) }
    ckernels_set_threads(1)
    let single = run()
    ckernels_set_threads(3)
    let split = run()
    #expect(split.output == single.output)
    #expect(split.gradient == single.gradient)
    #expect(split.inputGradient == single.inputGradient)
  }
}
