import CKernels
import Foundation

/// The single-core floating-point peak `dqn bench nn` divides its figures by: the best GFLOP/s of a
/// 1024×1024×1024 single-precision matrix product on one thread, OpenBLAS's or CKernels' own
/// (whichever is faster), over a few runs. A large product is the closest a program gets to the
/// processor's multiply-add throughput (about 90% of the data-sheet peak), so the fraction says how
/// much of what one core can do a figure uses.
public enum PeakThroughput {
  /// Measures the peak in GFLOP/s (about half a second). Both run on one thread for it and get
  /// their thread counts back afterwards.
  public static func measure(runs: Int = 5) -> Double {
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
