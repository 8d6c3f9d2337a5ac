import Testing

@testable import NeuralNetwork

@Suite struct Im2ColTests {
  /// A 1×1×3×3 image [[1,2,3],[4,5,6],[7,8,9]] with a 2×2 kernel: four windows, by hand.
  @Test func unfoldsATinyImageByHand() {
    let image = Tensor(shape: [1, 1, 3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9])
    let columns = image.referenceIm2col(kernelHeight: 2, kernelWidth: 2)
    #expect(columns.shape == [4, 4])
    #expect(columns.scalars == [1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9])
  }

  @Test func paddingAndStrideGiveZeroTaps() {
    let image = Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
    let columns = image.referenceIm2col(kernelHeight: 3, kernelWidth: 3, stride: 2, padding: 1)
    // Output is 1×1: the 3×3 window centred on the top-left pixel.
    #expect(columns.shape == [1, 9])
    #expect(columns.scalars == [0, 0, 0, 0, 1, 2, 0, 3, 4])
  }

  /// col2im is im2col's adjoint: ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩ for any x, c.
  @Test(arguments: [(3, 1, 0), (3, 2, 1), (2, 2, 0), (4, 3, 2)])
  func col2imIsTheAdjoint(kernel: Int, stride: Int, padding: Int) {
    var rng = SplitMix64(seed: 5)
    let g = WindowGeometry(batch: 2, channels: 3, height: 7, width: 6, kernelHeight: kernel, kernelWidth: kernel, stride: stride, padding: padding)
    let x = (0..<(2 * 3 * 7 * 6)).map { _ in rng.nextUniform() - 0.5 }
    let c = (0..<(g.columnRows * g.columnWidth)).map { _ in rng.nextUniform() - 0.5 }
    var unfolded = [Float](repeating: 0, count: c.count)
    var folded = [Float](repeating: 0, count: x.count)
    x.withUnsafeBufferPointer { input in unfolded.withUnsafeMutableBufferPointer { referenceIm2col(input, g, into: $0) } }
    c.withUnsafeBufferPointer { columns in folded.withUnsafeMutableBufferPointer { referenceCol2im(columns, g, into: $0) } }
    let left = zip(unfolded, c).map { Double($0) * Double($1) }.reduce(0, +)
    let right = zip(x, folded).map { Double($0) * Double($1) }.reduce(0, +)
    #expect(abs(left - right) < 1e-4)
  }

  /// The transposed layout Conv2D uses is exactly the transpose of the book's, and its fold equals the
  /// book's fold of the transposed matrix. The geometries cover the C kernel's shortcuts (rows copied
  /// from the tap `stride` rows above or columns to the left), padding wider than a tap reaches,
  /// kernels larger than the image, strides larger than the kernel and non-square kernels.
  @Test(arguments: [
    (3, 2, 11, 9, 3, 3, 1, 0), (3, 2, 11, 9, 3, 3, 2, 1), (3, 2, 11, 9, 8, 8, 4, 0), (3, 2, 11, 9, 4, 4, 3, 2),
    (3, 2, 11, 9, 5, 5, 1, 2), (2, 4, 84, 84, 8, 8, 4, 0), (2, 32, 20, 20, 4, 4, 2, 0), (2, 3, 2, 2, 5, 5, 2, 2),
    (2, 2, 3, 7, 2, 4, 3, 1), (1, 1, 5, 5, 1, 1, 2, 0), (2, 3, 6, 6, 3, 2, 1, 3), (4, 1, 28, 28, 5, 5, 1, 0), (2, 4, 4, 3, 2, 2, 2, 1),
  ])
  func transposedLayoutMatchesTheBooksLayout(
    batch: Int, channels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int
  ) {
    var rng = SplitMix64(seed: 6)
    let g = WindowGeometry(
      batch: batch, channels: channels, height: height, width: width, kernelHeight: kernelHeight,
      kernelWidth: kernelWidth, stride: stride, padding: padding)
    let x = (0..<(batch * channels * height * width)).map { _ in rng.nextUniform() - 0.5 }
    var book = [Float](repeating: 0, count: g.columnRows * g.columnWidth)
    var transposed = [Float](repeating: -1, count: book.count)
    x.withUnsafeBufferPointer { input in
      book.withUnsafeMutableBufferPointer { referenceIm2col(input, g, into: $0) }
      transposed.withUnsafeMutableBufferPointer { im2colTransposed(input, g, into: $0) }
    }
    var mismatches = 0
    for row in 0..<g.columnRows {
      for column in 0..<g.columnWidth where book[row * g.columnWidth + column] != transposed[column * g.columnRows + row] {
        mismatches += 1
      }
    }
    #expect(mismatches == 0)
    // Fold a random column matrix both ways.
    let c = (0..<book.count).map { _ in rng.nextUniform() - 0.5 }
    var cBook = [Float](repeating: 0, count: c.count)
    for row in 0..<g.columnRows {
      for column in 0..<g.columnWidth { cBook[row * g.columnWidth + column] = c[column * g.columnRows + row] }
    }
    var expected = [Float](repeating: 0, count: x.count)
    cBook.withUnsafeBufferPointer { columns in expected.withUnsafeMutableBufferPointer { referenceCol2im(columns, g, into: $0) } }
    var scratch = c
    var folded = [Float](repeating: 7, count: x.count)
    scratch.withUnsafeMutableBufferPointer { columns in
      folded.withUnsafeMutableBufferPointer { col2imTransposed(destroying: columns, g, into: $0) }
    }
    let worst = zip(expected, folded).map { abs($0 - $1) }.max() ?? 0
    #expect(worst < 1e-5)
    // And the fold is the adjoint of the unfold.
    let left = zip(transposed, c).map { Double($0) * Double($1) }.reduce(0, +)
    let right = zip(x, folded).map { Double($0) * Double($1) }.reduce(0, +)
    #expect(abs(left - right) < 1e-3)
  }
}
