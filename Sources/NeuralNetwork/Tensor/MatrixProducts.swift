import CKernels

/// The layers' matrix products: CKernels' own kernels (`Gemm.c`) with `FastPaths.matrixProducts`,
/// OpenBLAS otherwise (the reference) and for products too small to gain from packing.
enum MatrixProducts {
  /// Below this many multiply-adds OpenBLAS's unpacked small-matrix code is faster.
  static let smallestOwnProduct = 32_768

  /// Row-major `C[m, n] = op(A) · op(B) + beta · C` with `beta` 0 or 1, as `BLAS.gemm`.
  static func gemm(
    _ a: UnsafeBufferPointer<Float>, transposeA: Bool = false,
    _ b: UnsafeBufferPointer<Float>, transposeB: Bool = false,
    _ c: UnsafeMutableBufferPointer<Float>, m: Int, n: Int, k: Int, beta: Float = 0, paths: FastPaths
  ) {
    precondition(beta == 0 || beta == 1, "MatrixProducts.gemm takes beta 0 or 1, got \(beta)")
    if paths.contains(.matrixProducts) && m * n * k >= smallestOwnProduct {
      own(a, transposeA: transposeA, b, transposeB: transposeB, c, m: m, n: n, k: k, accumulate: beta == 1)
    } else {
      BLAS.gemm(a, transposeA: transposeA, b, transposeB: transposeB, c, m: m, n: n, k: k, beta: beta)
    }
  }

  /// CKernels' product whatever the size: `C = op(A) · op(B)`, plus `C` when `accumulate`.
  ///
  /// - Parameter level: the widest kernels it may use (tests run every supported level).
  static func own(
    _ a: UnsafeBufferPointer<Float>, transposeA: Bool = false,
    _ b: UnsafeBufferPointer<Float>, transposeB: Bool = false,
    _ c: UnsafeMutableBufferPointer<Float>, m: Int, n: Int, k: Int, accumulate: Bool,
    level: InstructionLevel = .detected
  ) {
    precondition(
      a.count >= m * k && b.count >= k * n && c.count >= m * n,
      "gemm buffers too small for m=\(m) n=\(n) k=\(k): \(a.count), \(b.count), \(c.count)")
    precondition(max(m * k, k * n, m * n) <= Int(Int32.max), "gemm too large for 32-bit sizes: m=\(m) n=\(n) k=\(k)")
    guard m > 0, n > 0 else { return }
    ckernels_sgemm(
      level.rawValue, transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), a.baseAddress,
      Int32(transposeA ? m : k), b.baseAddress, Int32(transposeB ? k : n), accumulate ? 1 : 0, c.baseAddress,
      Int32(n))
  }
}

/// A B operand packed once for many of CKernels' products: a layer's weights between two changes.
///
/// Packing the whole matrix apart costs about what packing it inside one product does (more, for
/// large ones), so it pays only from the second product with the same weights: `prepare` packs on
/// the second sight of a version and tells the caller to multiply as usual before that. A target
/// network's weights are packed once per copy; an online network's, which change every update, are
/// never packed apart unless the same weights serve two forwards (Double DQN).
struct PackedMatrix {
  private var storage = Tensor.empty
  private var packedVersion = -1
  private var seenVersion = -1
  private var packedLevel = InstructionLevel.generic

  /// Whether this holds B (`[k, n]`, or `[n, k]` when `transposeB`) at `version`, packed for
  /// `level`, for `product`; packs it if this is the second time `version` is asked for.
  mutating func prepare(
    _ b: UnsafeBufferPointer<Float>, transposeB: Bool, k: Int, n: Int, version: Int, level: InstructionLevel
  ) -> Bool {
    if version == packedVersion && level == packedLevel { return true }
    guard version == seenVersion else {
      seenVersion = version
      return false
    }
    precondition(b.count >= k * n && k * n <= Int(Int32.max), "PackedMatrix: B of \(b.count) for k=\(k) n=\(n)")
    storage.resize(to: [ckernels_packed_b_floats(level.rawValue, Int32(k), Int32(n))])
    storage.withUnsafeMutableBufferPointer {
      ckernels_pack_b(level.rawValue, transposeB ? 1 : 0, Int32(k), Int32(n), b.baseAddress, Int32(transposeB ? k : n), $0.baseAddress)
    }
    packedVersion = version
    packedLevel = level
    return true
  }

  /// `C[m, n] = op(A) · B`, plus `C` when `accumulate`: bit-identical to `MatrixProducts.own` with
  /// the B this holds.
  func product(
    _ a: UnsafeBufferPointer<Float>, transposeA: Bool = false, _ c: UnsafeMutableBufferPointer<Float>,
    m: Int, n: Int, k: Int, accumulate: Bool
  ) {
    precondition(a.count >= m * k && c.count >= m * n && m * k <= Int(Int32.max) && m * n <= Int(Int32.max), "PackedMatrix.product sizes")
    guard m > 0, n > 0 else { return }
    storage.withUnsafeBufferPointer { packed in
      ckernels_sgemm_packed_b(
        packedLevel.rawValue, transposeA ? 1 : 0, Int32(m), Int32(n), Int32(k), a.baseAddress, Int32(transposeA ? m : k),
        packed.baseAddress, accumulate ? 1 : 0, c.baseAddress, Int32(n))
    }
  }
}
