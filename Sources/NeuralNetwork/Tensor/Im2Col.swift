import CKernels

/// Unfolds every sliding window of `input` into one *column* (the transpose of the book's `im2col` matrix).
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
