import CKernels

/// How many threads the matrix products use: OpenBLAS's and CKernels' own.
///
/// One thread (the default every `dqn` command sets unless told otherwise) is bit-exact from run to
/// run. CKernels' products give the same bits for any thread count (each thread computes whole
/// columns or rows of the result, each element the same way); OpenBLAS's, which the layers still
/// use for small products, batch-1 matrix-vector products and on processors without AVX2, are not
/// guaranteed to.
public enum ComputeThreads {
  /// Sets both thread counts.
  public static func set(_ count: Int) {
    precondition(count >= 1, "thread count must be at least 1, got \(count)")
    BLAS.setThreadCount(count)
    ckernels_set_threads(Int32(min(count, 64)))
  }

  /// CKernels' thread count (OpenBLAS's is `BLAS.threadCount`).
  public static var count: Int { Int(ckernels_threads()) }
}
