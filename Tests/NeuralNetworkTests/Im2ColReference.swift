import NeuralNetwork

// The book's im2col and col2im in plain Swift, element by element: the oracle that the C kernels
// Conv2D uses (`im2colTransposed`, `col2imTransposed`, in the transposed layout) are tested against.

/// Unfolds every sliding window of `input` into one row (the book's `im2col`, element by element).
///
/// - Parameters:
///   - input: `[N, C, H, W]` elements.
///   - columns: receives `[N·outH·outW, C·kH·kW]`; taps outside the image (padding) are 0.
func referenceIm2col(
  _ input: UnsafeBufferPointer<Float>, _ geometry: WindowGeometry,
  into columns: UnsafeMutableBufferPointer<Float>
) {
  let g = geometry
  precondition(input.count == g.batch * g.channels * g.height * g.width, "referenceIm2col input size")
  precondition(columns.count == g.columnRows * g.columnWidth, "referenceIm2col columns size")
  let outH = g.outputHeight
  let outW = g.outputWidth
  let rowWidth = g.columnWidth
  var row = 0
  for n in 0..<g.batch {
    let image = n * g.channels * g.height * g.width
    for oy in 0..<outH {
      for ox in 0..<outW {
        var column = row &* rowWidth
        let top = oy * g.stride - g.padding
        let left = ox * g.stride - g.padding
        for c in 0..<g.channels {
          let plane = image + c * g.height * g.width
          for ky in 0..<g.kernelHeight {
            let y = top + ky
            if y < 0 || y >= g.height {
              for _ in 0..<g.kernelWidth {
                columns[column] = 0
                column &+= 1
              }
              continue
            }
            let line = plane + y * g.width
            for kx in 0..<g.kernelWidth {
              let x = left + kx
              columns[column] = (x >= 0 && x < g.width) ? input[line + x] : 0
              column &+= 1
            }
          }
        }
        row &+= 1
      }
    }
  }
}

/// Folds a column matrix back into an image, summing overlapping taps (the adjoint of `referenceIm2col`).
///
/// - Parameters:
///   - columns: `[N·outH·outW, C·kH·kW]`.
///   - output: receives `[N, C, H, W]` (overwritten, not accumulated into).
func referenceCol2im(
  _ columns: UnsafeBufferPointer<Float>, _ geometry: WindowGeometry,
  into output: UnsafeMutableBufferPointer<Float>
) {
  let g = geometry
  precondition(output.count == g.batch * g.channels * g.height * g.width, "referenceCol2im output size")
  precondition(columns.count == g.columnRows * g.columnWidth, "referenceCol2im columns size")
  for index in 0..<output.count { output[index] = 0 }
  let outH = g.outputHeight
  let outW = g.outputWidth
  let rowWidth = g.columnWidth
  var row = 0
  for n in 0..<g.batch {
    let image = n * g.channels * g.height * g.width
    for oy in 0..<outH {
      for ox in 0..<outW {
        var column = row &* rowWidth
        let top = oy * g.stride - g.padding
        let left = ox * g.stride - g.padding
        for c in 0..<g.channels {
          let plane = image + c * g.height * g.width
          for ky in 0..<g.kernelHeight {
            let y = top + ky
            if y < 0 || y >= g.height {
              column &+= g.kernelWidth
              continue
            }
            let line = plane + y * g.width
            for kx in 0..<g.kernelWidth {
              let x = left + kx
              if x >= 0 && x < g.width { output[line + x] += columns[column] }
              column &+= 1
            }
          }
        }
        row &+= 1
      }
    }
  }
}

extension Tensor {
  /// The column matrix of this `[N, C, H, W]` tensor for a window; see `im2col(_:_:into:)`.
  func referenceIm2col(kernelHeight: Int, kernelWidth: Int, stride: Int = 1, padding: Int = 0)
    -> Tensor
  {
    precondition(rank == 4, "im2col needs [N, C, H, W], got \(shape)")
    let geometry = WindowGeometry(
      batch: shape[0], channels: shape[1], height: shape[2], width: shape[3],
      kernelHeight: kernelHeight, kernelWidth: kernelWidth, stride: stride, padding: padding)
    var result = Tensor(shape: [geometry.columnRows, geometry.columnWidth])
    withUnsafeBufferPointer { input in
      result.withUnsafeMutableBufferPointer { NeuralNetworkTests.referenceIm2col(input, geometry, into: $0) }
    }
    return result
  }
}
