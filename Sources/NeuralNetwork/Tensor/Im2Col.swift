import CKernels

/// The geometry of a 2-D sliding window (convolution or pooling) over an NCHW batch.
public struct WindowGeometry: Sendable, Equatable {
  public var batch, channels, height, width: Int
  public var kernelHeight, kernelWidth, stride, padding: Int

  public init(
    batch: Int, channels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int,
    stride: Int, padding: Int
  ) {
    precondition(kernelHeight > 0 && kernelWidth > 0 && stride > 0 && padding >= 0,
      "Bad window: kernel \(kernelHeight)×\(kernelWidth), stride \(stride), padding \(padding)")
    self.batch = batch
    self.channels = channels
    self.height = height
    self.width = width
    self.kernelHeight = kernelHeight
    self.kernelWidth = kernelWidth
    self.stride = stride
    self.padding = padding
    precondition(outputHeight > 0 && outputWidth > 0,
      "Window \(kernelHeight)×\(kernelWidth)/\(stride) pad \(padding) does not fit \(height)×\(width)")
  }

  public var outputHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
  public var outputWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
  /// Rows of the column matrix: one per output position, `N·outH·outW`.
  public var columnRows: Int { batch * outputHeight * outputWidth }
  /// Columns of the column matrix: one per kernel tap, `C·kH·kW`.
  public var columnWidth: Int { channels * kernelHeight * kernelWidth }
}

/// Unfolds every sliding window of `input` into one row (the book's `im2col`).
///
/// - Parameters:
///   - input: `[N, C, H, W]` elements.
///   - columns: receives `[N·outH·outW, C·kH·kW]`; taps outside the image (padding) are 0.
public func im2col(
  _ input: UnsafeBufferPointer<Float>, _ geometry: WindowGeometry,
  into columns: UnsafeMutableBufferPointer<Float>
) {
  let g = geometry
  precondition(input.count == g.batch * g.channels * g.height * g.width, "im2col input size")
  precondition(columns.count == g.columnRows * g.columnWidth, "im2col columns size")
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

/// Folds a column matrix back into an image, summing overlapping taps (the adjoint of `im2col`).
///
/// - Parameters:
///   - columns: `[N·outH·outW, C·kH·kW]`.
///   - output: receives `[N, C, H, W]` (overwritten, not accumulated into).
public func col2im(
  _ columns: UnsafeBufferPointer<Float>, _ geometry: WindowGeometry,
  into output: UnsafeMutableBufferPointer<Float>
) {
  let g = geometry
  precondition(output.count == g.batch * g.channels * g.height * g.width, "col2im output size")
  precondition(columns.count == g.columnRows * g.columnWidth, "col2im columns size")
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
  public func im2col(kernelHeight: Int, kernelWidth: Int, stride: Int = 1, padding: Int = 0)
    -> Tensor
  {
    precondition(rank == 4, "im2col needs [N, C, H, W], got \(shape)")
    let geometry = WindowGeometry(
      batch: shape[0], channels: shape[1], height: shape[2], width: shape[3],
      kernelHeight: kernelHeight, kernelWidth: kernelWidth, stride: stride, padding: padding)
    var result = Tensor(shape: [geometry.columnRows, geometry.columnWidth])
    withUnsafeBufferPointer { input in
      result.withUnsafeMutableBufferPointer { NeuralNetwork.im2col(input, geometry, into: $0) }
    }
    return result
  }
}

/// Unfolds every sliding window of `input` into one *column* (the transpose of `im2col`'s matrix).
///
/// This layout makes the convolution one well-shaped matrix product, `W[F, C·kH·kW] · columns`,
/// and lets a tap's rows be built from a neighbouring tap's with contiguous copies (the kernel is
/// in C, `CKernels/Im2Col.c`, where the identities it uses are explained).
/// - Parameters:
///   - input: `[N, C, H, W]` elements.
///   - columns: receives `[C·kH·kW, N·outH·outW]`; taps outside the image (padding) are 0.
public func im2colTransposed(
  _ input: UnsafeBufferPointer<Float>, _ geometry: WindowGeometry,
  into columns: UnsafeMutableBufferPointer<Float>
) {
  let g = geometry
  precondition(input.count == g.batch * g.channels * g.height * g.width, "im2colTransposed input size")
  precondition(columns.count == g.columnRows * g.columnWidth, "im2colTransposed columns size")
  guard let source = input.baseAddress, let target = columns.baseAddress else { return }
  let (n, c, h, w, kh, kw, s, p) = g.int32Fields
  ckernels_im2col_transposed(source, target, n, c, h, w, kh, kw, s, p)
}

/// Folds a transposed column matrix back into an image, summing overlapping taps (the adjoint of
/// `im2colTransposed`).
/// - Parameters:
///   - columns: `[C·kH·kW, N·outH·outW]`, used as scratch: **its contents are destroyed**.
///   - output: receives `[N, C, H, W]` (overwritten).
public func col2imTransposed(
  destroying columns: UnsafeMutableBufferPointer<Float>, _ geometry: WindowGeometry,
  into output: UnsafeMutableBufferPointer<Float>
) {
  let g = geometry
  precondition(output.count == g.batch * g.channels * g.height * g.width, "col2imTransposed output size")
  precondition(columns.count == g.columnRows * g.columnWidth, "col2imTransposed columns size")
  guard let source = columns.baseAddress, let target = output.baseAddress else { return }
  let (n, c, h, w, kh, kw, s, p) = g.int32Fields
  ckernels_col2im_transposed(source, target, n, c, h, w, kh, kw, s, p)
}

extension WindowGeometry {
  /// The fields as C `int`s, checked to fit.
  fileprivate var int32Fields: (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) {
    precondition(columnRows <= Int(Int32.max) && columnWidth <= Int(Int32.max), "Window too large: \(self)")
    return (
      Int32(batch), Int32(channels), Int32(height), Int32(width), Int32(kernelHeight),
      Int32(kernelWidth), Int32(stride), Int32(padding)
    )
  }
}
