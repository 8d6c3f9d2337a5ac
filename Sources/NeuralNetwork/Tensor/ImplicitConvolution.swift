import CKernels

/// A convolution's forward product and weight gradient without the im2col matrix: CKernels packs
/// the windows into the product's blocks straight from the image (`Gemm.c`), saving a pass that
/// writes, and one that reads back, a matrix `kH·kW` times the size of the input. The input
/// gradient still forms column gradients, but only a few samples' at a time.
public enum ImplicitConvolution {
  /// Whether `geometry` fits the kernels' 32-bit offsets.
  public static func fits(_ geometry: WindowGeometry) -> Bool {
    let g = geometry
    return g.batch * g.channels * g.height * g.width < Int(Int32.max)
      && g.columnRows * g.columnWidth < Int(Int32.max)
  }

  /// `output[F, N·outH·outW] = weights[F, C·kH·kW] · im2colTransposed(input)`. With
  /// `spaceToDepth`, a strided convolution without padding packs its windows from a space-to-depth
  /// copy of the input (contiguous loads instead of a gather per tap; the same bits).
  public static func forward(
    weights: UnsafeBufferPointer<Float>, filters: Int, input: UnsafeBufferPointer<Float>, _ geometry: WindowGeometry,
    into output: UnsafeMutableBufferPointer<Float>, level: InstructionLevel = .detected, spaceToDepth: Bool = true,
    aInPlace: Bool = true
  ) {
    let g = geometry
    precondition(fits(g), "ImplicitConvolution: \(g) is too large for 32-bit offsets")
    precondition(weights.count == filters * g.columnWidth, "ImplicitConvolution.forward weights size")
    precondition(input.count == g.batch * g.channels * g.height * g.width, "ImplicitConvolution.forward input size")
    precondition(output.count == filters * g.columnRows, "ImplicitConvolution.forward output size")
    ckernels_convolution_gemm(
      level.rawValue, weights.baseAddress, Int32(filters), input.baseAddress, Int32(g.batch), Int32(g.channels),
      Int32(g.height), Int32(g.width), Int32(g.kernelHeight), Int32(g.kernelWidth), Int32(g.stride),
      Int32(g.padding), spaceToDepth ? 1 : 0, MatrixProducts.inPlaceFlags(a: aInPlace), output.baseAddress)
  }

  /// `output[N, F, outH, outW] = bias + weights · im2colTransposed(input)`, then the ReLU when
  /// `relu`: `forward` followed by the bias pass, the same bits, computed directly
  /// (`FastPaths.directConvolution`). Returns false, doing nothing, where CKernels has no direct
  /// convolution for `geometry`, `filters` or `level` (see `ckernels_convolution_direct`).
  /// `packedWeights` (`directPackedFloats` of them) keeps the weights packed as the tiles read them
  /// from one call to the next: with `weightsUnchanged`, the caller's promise that `weights` hold
  /// what they held at its last call, they are not packed again.
  public static func directForward(
    weights: UnsafeBufferPointer<Float>, filters: Int, bias: UnsafeBufferPointer<Float>, relu: Bool,
    input: UnsafeBufferPointer<Float>, _ geometry: WindowGeometry, into output: UnsafeMutableBufferPointer<Float>,
    level: InstructionLevel = .detected, packedWeights: UnsafeMutableBufferPointer<Float>? = nil,
    weightsUnchanged: Bool = false
  ) -> Bool {
    let g = geometry
    precondition(fits(g), "ImplicitConvolution: \(g) is too large for 32-bit offsets")
    precondition(weights.count == filters * g.columnWidth, "ImplicitConvolution.directForward weights size")
    precondition(bias.count == filters, "ImplicitConvolution.directForward bias size")
    precondition(input.count == g.batch * g.channels * g.height * g.width, "ImplicitConvolution.directForward input size")
    precondition(output.count == filters * g.columnRows, "ImplicitConvolution.directForward output size")
    precondition(
      packedWeights.map { $0.count >= directPackedFloats(filters: filters, taps: g.columnWidth) } ?? true,
      "ImplicitConvolution.directForward packed weights size")
    return ckernels_convolution_direct(
      level.rawValue, weights.baseAddress, Int32(filters), bias.baseAddress, relu ? 1 : 0, input.baseAddress,
      Int32(g.batch), Int32(g.channels), Int32(g.height), Int32(g.width), Int32(g.kernelHeight), Int32(g.kernelWidth),
      Int32(g.stride), Int32(g.padding), output.baseAddress, packedWeights?.baseAddress, weightsUnchanged ? 1 : 0) != 0
  }

  /// The floats of `directForward`'s `packedWeights` for `filters` filters of `taps` taps.
  public static func directPackedFloats(filters: Int, taps: Int) -> Int {
    Int(ckernels_convolution_direct_packed_floats(Int32(filters), Int32(taps)))
  }

  /// `weightGradient[F, C·kH·kW] += rowsGradient[F, N·outH·outW] · im2colTransposed(input)ᵀ`;
  /// `byRows`: transposed, reading the image along its rows, where the convolution allows it
  /// (`FastPaths.weightGradientByRows`; the same bits).
  public static func weightGradient(
    rowsGradient: UnsafeBufferPointer<Float>, filters: Int, input: UnsafeBufferPointer<Float>,
    _ geometry: WindowGeometry, accumulatingInto weightGradient: UnsafeMutableBufferPointer<Float>,
    level: InstructionLevel = .detected, aInPlace: Bool = true, byRows: Bool = true
  ) {
    let g = geometry
    precondition(fits(g), "ImplicitConvolution: \(g) is too large for 32-bit offsets")
    precondition(rowsGradient.count == filters * g.columnRows, "ImplicitConvolution.weightGradient gradient size")
    precondition(input.count == g.batch * g.channels * g.height * g.width, "ImplicitConvolution.weightGradient input size")
    precondition(weightGradient.count == filters * g.columnWidth, "ImplicitConvolution.weightGradient output size")
    ckernels_convolution_weight_gradient(
      level.rawValue, rowsGradient.baseAddress, Int32(filters), input.baseAddress, Int32(g.batch),
      Int32(g.channels), Int32(g.height), Int32(g.width), Int32(g.kernelHeight), Int32(g.kernelWidth),
      Int32(g.stride), Int32(g.padding), MatrixProducts.inPlaceFlags(a: aInPlace, imageRows: byRows),
      weightGradient.baseAddress)
  }

  /// `inputGradient = col2imTransposed(weightsᵀ · rowsGradient)` a few samples at a time, each
  /// group's column gradient folded back while it is in cache (with `foldByRows`, an image row at
  /// a time where the level has `ckernels_col2im_rows`), the weights read in place with
  /// `aInPlace`: the same bits either way. Returns false, doing nothing, when one sample's column
  /// gradient does not fit CKernels' buffer (1 MB).
  public static func inputGradient(
    weights: UnsafeBufferPointer<Float>, filters: Int, rowsGradient: UnsafeBufferPointer<Float>,
    _ geometry: WindowGeometry, into inputGradient: UnsafeMutableBufferPointer<Float>,
    level: InstructionLevel = .detected, aInPlace: Bool = true, foldByRows: Bool = true
  ) -> Bool {
    let g = geometry
    precondition(fits(g), "ImplicitConvolution: \(g) is too large for 32-bit offsets")
    precondition(weights.count == filters * g.columnWidth, "ImplicitConvolution.inputGradient weights size")
    precondition(rowsGradient.count == filters * g.columnRows, "ImplicitConvolution.inputGradient gradient size")
    precondition(inputGradient.count == g.batch * g.channels * g.height * g.width, "ImplicitConvolution.inputGradient output size")
    return ckernels_convolution_input_gradient(
      level.rawValue, weights.baseAddress, Int32(filters), rowsGradient.baseAddress, Int32(g.batch),
      Int32(g.channels), Int32(g.height), Int32(g.width), Int32(g.kernelHeight), Int32(g.kernelWidth),
      Int32(g.stride), Int32(g.padding),
      (aInPlace ? Int32(CKERNELS_IN_PLACE_A) : 0) | (foldByRows ? Int32(CKERNELS_FOLD_BY_ROWS) : 0),
      inputGradient.baseAddress) != 0
  }
}
