import COpenBLAS

/// Thin wrappers over OpenBLAS; the only file that imports `COpenBLAS`.
public enum BLAS {
  /// Row-major `C[m, n] = alpha · op(A) · op(B) + beta · C`, with `op` a transpose when asked.
  ///
  /// - Parameters:
  ///   - a: `[m, k]`, or `[k, m]` when `transposeA`.
  ///   - b: `[k, n]`, or `[n, k]` when `transposeB`.
  ///   - c: `[m, n]`.
  @inlinable
  public static func gemm(
    _ a: UnsafeBufferPointer<Float>, transposeA: Bool = false,
    _ b: UnsafeBufferPointer<Float>, transposeB: Bool = false,
    _ c: UnsafeMutableBufferPointer<Float>, m: Int, n: Int, k: Int,
    alpha: Float = 1, beta: Float = 0
  ) {
    precondition(
      a.count >= m * k && b.count >= k * n && c.count >= m * n,
      "gemm buffers too small for m=\(m) n=\(n) k=\(k): \(a.count), \(b.count), \(c.count)")
    guard m > 0, n > 0, let c = c.baseAddress else { return }
    guard k > 0, let a = a.baseAddress, let b = b.baseAddress else {
      if beta == 0 { c.update(repeating: 0, count: m * n) }
      return
    }
    cblas_sgemm(
      CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
      blasint(m), blasint(n), blasint(k), alpha,
      a, blasint(transposeA ? m : k), b, blasint(transposeB ? k : n), beta, c, blasint(n))
  }

  /// Row-major `y[m] = alpha · A[m, n] · x[n] + beta · y` (`A` transposed when asked: then `y[n]`, `x[m]`).
  @inlinable
  public static func gemv(
    _ a: UnsafeBufferPointer<Float>, transpose: Bool = false, rows m: Int, columns n: Int,
    _ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>, alpha: Float = 1,
    beta: Float = 0
  ) {
    precondition(
      a.count >= m * n && x.count >= (transpose ? m : n) && y.count >= (transpose ? n : m),
      "gemv buffers too small for \(m)×\(n)")
    guard m > 0, n > 0, let a = a.baseAddress, let x = x.baseAddress, let y = y.baseAddress
    else { return }
    cblas_sgemv(
      CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, blasint(m), blasint(n), alpha, a,
      blasint(n), x, 1, beta, y, 1)
  }

  /// Sets how many threads OpenBLAS uses (1 is fastest on two cores and keeps runs bit-exact).
  public static func setThreadCount(_ count: Int) {
    openblas_set_num_threads(Int32(count))
  }

  /// The number of threads OpenBLAS uses.
  public static var threadCount: Int { Int(openblas_get_num_threads()) }

  /// The kernels OpenBLAS runs ("SkylakeX", "Haswell", "Zen", …). On a processor OpenBLAS does not
  /// recognise, CKernels (`OpenBLASCore.c`) has already replaced its SSE3 fallback, "Prescott", by
  /// the kernels the instruction sets allow.
  public static var coreName: String { String(cString: openblas_get_corename()) }

  /// OpenBLAS's build description (core type, threading).
  public static var configuration: String { String(cString: openblas_get_config()) }
}
