import CKernels

/// The layers' matrix products: CKernels' own kernels (`Gemm.c`) with `FastPaths.matrixProducts`,
/// OpenBLAS otherwise (the reference) and for products too small to gain from packing.
enum MatrixProducts {
  /// Below this many multiply-adds OpenBLAS's unpacked small-matrix code is faster.
  static let smallestOwnProduct = 32_768

  /// Dense forwards of at most this many rows whose weights are not packed beforehand compute
  /// yᵀ = W · xᵀ (`FastPaths.transposedForward`): packing the batch instead of the weights.
  /// `scripts/microbench/run dense_forward`, Zen 4: 1.34× at 32 rows (MinAtar's 1024→128), 1.29×
  /// (Nature's 3136→512), 1.02× at 48, 1.0–1.13× at 64, 0.96× from 96 rows up. Intel Xeon
  /// (AVX-512): 1.29× and 1.61× at 32 rows, 1.01× at 48, 0.76–1.19× at 64 (noisy), mixed above.
  static let transposedForwardRows = 64

  /// Row-major `C[m, n] = op(A) · op(B) + beta · C` with `beta` 0 or 1, as `BLAS.gemm`.
  /// `ontoZeros` (with `beta` 1): C is taken as zeros it does not hold yet (a gradient zeroed
  /// lazily, `Parameter.accumulateGradient`): CKernels write 0 + the product without reading C,
  /// OpenBLAS gets C zeroed first; the bits of `beta` 1 on a zeroed C either way.
  static func gemm(
    _ a: UnsafeBufferPointer<Float>, transposeA: Bool = false,
    _ b: UnsafeBufferPointer<Float>, transposeB: Bool = false,
    _ c: UnsafeMutableBufferPointer<Float>, m: Int, n: Int, k: Int, beta: Float = 0, ontoZeros: Bool = false,
    paths: FastPaths
  ) {
    precondition(beta == 0 || beta == 1, "MatrixProducts.gemm takes beta 0 or 1, got \(beta)")
    precondition(!ontoZeros || beta == 1, "MatrixProducts.gemm: ontoZeros needs beta 1")
    if paths.contains(.matrixProducts) && m * n * k >= smallestOwnProduct {
      own(
        a, transposeA: transposeA, b, transposeB: transposeB, c, m: m, n: n, k: k, accumulate: beta == 1,
        ontoZeros: ontoZeros, bInPlace: paths.contains(.inPlaceB), aInPlace: paths.contains(.inPlaceA))
    } else {
      if ontoZeros { c.update(repeating: 0) }
      BLAS.gemm(a, transposeA: transposeA, b, transposeB: transposeB, c, m: m, n: n, k: k, beta: beta)
    }
  }

  /// A dense layer's weight gradient `dw[outputs, inputs] += dyᵀ · x` (`dy` is `[batch, outputs]`,
  /// `x` is `[batch, inputs]`): `gemm(dy, transposeA: true, x, dw, …, beta: 1)`, through
  /// `ckernels_dense_weight_gradient` (dy's zeros skipped, the same bits) where
  /// `FastPaths.zeroSkippingGradient` is on and CKernels' product would have served.
  static func denseWeightGradient(
    _ dy: UnsafeBufferPointer<Float>, _ x: UnsafeBufferPointer<Float>, _ dw: UnsafeMutableBufferPointer<Float>,
    outputs: Int, inputs: Int, batch: Int, ontoZeros: Bool, paths: FastPaths
  ) {
    if paths.isSuperset(of: [.matrixProducts, .zeroSkippingGradient]) && outputs * inputs * batch >= smallestOwnProduct {
      precondition(
        dy.count >= batch * outputs && x.count >= batch * inputs && dw.count >= outputs * inputs,
        "weight gradient buffers too small for outputs=\(outputs) inputs=\(inputs) batch=\(batch)")
      precondition(outputs * inputs <= Int(Int32.max), "weight gradient too large for 32-bit sizes")
      if ckernels_dense_weight_gradient(
        InstructionLevel.detected.rawValue, Int32(outputs), Int32(inputs), Int32(batch), dy.baseAddress, x.baseAddress,
        ontoZeros ? CKERNELS_ONTO_ZEROS : 1, dw.baseAddress) != 0
      {
        return
      }
    }
    gemm(dy, transposeA: true, x, dw, m: outputs, n: inputs, k: batch, beta: 1, ontoZeros: ontoZeros, paths: paths)
  }

  /// A dense layer's input gradient `dx[batch, inputs] = dy · w` (`dy` is `[batch, outputs]`, `w`
  /// is `[outputs, inputs]`): `gemm(dy, w, dx, …)`, through `ckernels_dense_input_gradient` (the
  /// outputs that are zero in all of a tile's samples skipped, the same bits) where
  /// `FastPaths.zeroSkippingInputGradient` is on and CKernels' product would have served.
  static func denseInputGradient(
    _ dy: UnsafeBufferPointer<Float>, _ w: UnsafeBufferPointer<Float>, _ dx: UnsafeMutableBufferPointer<Float>,
    outputs: Int, inputs: Int, batch: Int, paths: FastPaths
  ) {
    if paths.isSuperset(of: [.matrixProducts, .zeroSkippingInputGradient]) && outputs * inputs * batch >= smallestOwnProduct {
      precondition(
        dy.count >= batch * outputs && w.count >= outputs * inputs && dx.count >= batch * inputs,
        "input gradient buffers too small for outputs=\(outputs) inputs=\(inputs) batch=\(batch)")
      precondition(max(batch * outputs, outputs * inputs, batch * inputs) <= Int(Int32.max), "input gradient too large for 32-bit sizes")
      if ckernels_dense_input_gradient(
        InstructionLevel.detected.rawValue, Int32(batch), Int32(inputs), Int32(outputs), dy.baseAddress, w.baseAddress, 0,
        dx.baseAddress) != 0
      {
        return
      }
    }
    gemm(dy, w, dx, m: batch, n: inputs, k: outputs, paths: paths)
  }

  /// CKernels' product whatever the size: `C = op(A) · op(B)`, plus `C` when `accumulate`.
  ///
  /// - Parameters:
  ///   - level: the widest kernels it may use (tests run every supported level).
  ///   - bInPlace: a `B` that is not transposed is read where it is instead of packed
  ///     (`FastPaths.inPlaceB`; the same bits either way).
  ///   - aInPlace: `A` is read where it is instead of packed, where the level does that
  ///     (`FastPaths.inPlaceA`; the same bits either way).
  ///   - ontoZeros: with `accumulate`, C is taken as zeros and not read (`CKERNELS_ONTO_ZEROS`).
  static func own(
    _ a: UnsafeBufferPointer<Float>, transposeA: Bool = false,
    _ b: UnsafeBufferPointer<Float>, transposeB: Bool = false,
    _ c: UnsafeMutableBufferPointer<Float>, m: Int, n: Int, k: Int, accumulate: Bool, ontoZeros: Bool = false,
    level: InstructionLevel = .detected, bInPlace: Bool = true, aInPlace: Bool = true
  ) {
    precondition(
      a.count >= m * k && b.count >= k * n && c.count >= m * n,
      "gemm buffers too small for m=\(m) n=\(n) k=\(k): \(a.count), \(b.count), \(c.count)")
    precondition(max(m * k, k * n, m * n) <= Int(Int32.max), "gemm too large for 32-bit sizes: m=\(m) n=\(n) k=\(k)")
    guard m > 0, n > 0 else { return }
    ckernels_sgemm(
      level.rawValue, transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), a.baseAddress,
      Int32(transposeA ? m : k), b.baseAddress, Int32(transposeB ? k : n), inPlaceFlags(a: aInPlace, b: bInPlace),
      accumulate ? (ontoZeros ? CKERNELS_ONTO_ZEROS : 1) : 0,
      c.baseAddress,
      Int32(n))
  }

  /// CKernels' `in_place` flags for these choices.
  static func inPlaceFlags(a: Bool, b: Bool = false, imageRows: Bool = false) -> Int32 {
    (a ? Int32(CKERNELS_IN_PLACE_A) : 0) | (b ? Int32(CKERNELS_IN_PLACE_B) : 0)
      | (imageRows ? Int32(CKERNELS_IMAGE_ROWS) : 0)
  }
}
