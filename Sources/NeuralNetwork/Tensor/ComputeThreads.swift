import CKernels

/// How many threads the matrix products use: OpenBLAS's and CKernels' own.
///
/// One thread (the default every `dqn` command sets unless told otherwise) is bit-exact from run to
/// run. CKernels' products give the same bits for any thread count (each thread computes whole
/// columns or rows of the result, each element the same way); OpenBLAS's, which the layers still
/// use for small products, batch-1 matrix-vector products and on processors without AVX2, are not
/// guaranteed to.
public enum ComputeThreads {
  /// Sets CKernels' thread count, and OpenBLAS's where OpenBLAS does the heavy products.
  ///
  /// With AVX2 or AVX-512 every product large enough to split is CKernels', and OpenBLAS keeps one
  /// thread: its workers spin for a while after each threaded call (a batch-1 matrix-vector
  /// product when acting), taking the core that CKernels' pool and the two-thread DQN update
  /// (`DataParallelUpdate`) need. Measured on a 2-core AMD EPYC Zen 4 (`dqn bench train
  /// --threads 2`, one update per step): 1,881 env steps/s with OpenBLAS on one thread, 1,156 to
  /// 1,717 with it on two. On processors without AVX2 OpenBLAS does every product and gets the
  /// threads.
  public static func set(_ count: Int) {
    precondition(count >= 1, "thread count must be at least 1, got \(count)")
    BLAS.setThreadCount(InstructionLevel.detected >= .avx2 ? 1 : count)
    ckernels_set_threads(Int32(min(count, 64)))
  }

  /// CKernels' thread count (OpenBLAS's is `BLAS.threadCount`).
  public static var count: Int { Int(ckernels_threads()) }

  /// Runs `body(0)`, …, `body(parts − 1)` on the compute threads (the caller and CKernels' pool),
  /// returning when all have finished. CKernels' products called inside a part run serially on
  /// that part's thread (the pool is busy with the parts), so each part is one thread's work.
  /// With one thread, or while another thread's loop holds the pool, the parts run in order on
  /// the caller.
  public static func parallelFor(_ parts: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
      var part = body
      withUnsafeMutablePointer(to: &part) { pointer in
        ckernels_parallel_for(Int32(parts), { context, index in
          context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(index))
        }, pointer)
      }
    }
  }
}
