import CKernels
import Foundation

/// The single-core floating-point peak `dqn bench nn` divides its figures by: the best GFLOP/s of
/// either independent fused multiply-adds held in registers on the widest vectors the processor
/// has (`MultiplyAddPeak.c`: the fastest any code can go, what the data sheet's peak is at the
/// clock the core runs), or a 1024×1024×1024 single-precision matrix product on one thread,
/// OpenBLAS's or CKernels' own (where the processor has no such loop, the generic level). The
/// fraction of it says how much of what one core can do a figure uses.
///
/// The products alone understated it: on an AMD EPYC Zen 4 they reached 95 GFLOP/s, while
/// libxsmm's small products reached 118 and the multiply-add loop gives up to 126 (32 operations
/// a cycle at about 3.9 GHz, with AVX2 as with AVX-512; less when the core runs slower).
public enum PeakThroughput {
  /// A measured peak and what measured it.
  public struct Measurement: Sendable {
    public var gigaflops: Double
    /// "multiply-add loop" or "1024³ matrix product".
    public var source: String
  }

  /// Measures the peak (about half a second), saying which of the two gave it. Runs on one thread
  /// and gives OpenBLAS and CKernels their thread counts back afterwards.
  public static func measure(runs: Int = 5) -> Measurement {
    let loop = multiplyAddLoop(runs: runs)
    let product = matrixProduct(runs: runs)
    return loop >= product
      ? Measurement(gigaflops: loop, source: "multiply-add loop")
      : Measurement(gigaflops: product, source: "1024³ matrix product")
  }

  /// GFLOP/s of register-resident multiply-add chains on `level`, best of `runs` (0 at the generic
  /// level).
  public static func multiplyAddLoop(
    level: InstructionLevel = .detected, runs: Int = 5, iterations: Int = 4_000_000
  ) -> Double {
    var best = 0.0
    var sink: Float = 0
    for run in 0...runs {
      var result: Float = 0
      let start = DispatchTime.now().uptimeNanoseconds
      let operations = ckernels_multiply_add_chains(level.rawValue, iterations, &result)
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      sink += result
      // The first run brings the core up to its clock and is not counted.
      if run > 0 && operations > 0 && seconds > 0 { best = max(best, operations / seconds / 1e9) }
    }
    precondition(sink.isFinite, "multiply-add chains diverged")
    return best
  }

  /// GFLOP/s of the best of `runs` 1024×1024×1024 products on one thread, OpenBLAS's or CKernels'.
  public static func matrixProduct(runs: Int = 5) -> Double {
    let size = 1024
    var rng = SplitMix64(seed: 17)
    let a = (0..<(size * size)).map { _ in rng.nextUniform() - 0.5 }
    let b = (0..<(size * size)).map { _ in rng.nextUniform() - 0.5 }
    var c = [Float](repeating: 0, count: size * size)
    let (blasThreads, ownThreads) = (BLAS.threadCount, ckernels_threads())
    BLAS.setThreadCount(1)
    ckernels_set_threads(1)
    defer {
      BLAS.setThreadCount(blasThreads)
      ckernels_set_threads(ownThreads)
    }
    var best = Double.infinity
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        c.withUnsafeMutableBufferPointer { c in
          for own in [false, true] {
            for run in 0...runs {
              let start = DispatchTime.now().uptimeNanoseconds
              if own {
                ckernels_sgemm(
                  InstructionLevel.detected.rawValue, 0, 0, Int32(size), Int32(size), Int32(size), a.baseAddress,
                  Int32(size), b.baseAddress, Int32(size), 0, 0, c.baseAddress, Int32(size))
              } else {
                BLAS.gemm(a, b, c, m: size, n: size, k: size)
              }
              // The first run of each warms the caches and is not counted.
              if run > 0 { best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
            }
          }
        }
      }
    }
    return 2 * Double(size * size * size) / best / 1e9
  }
}
