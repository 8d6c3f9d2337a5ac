import CKernels
import Testing

@testable import NeuralNetwork

@Suite struct BLASCoreTests {
  /// OpenBLAS 0.3.21 falls back to its SSE3 "Prescott" kernels on processors it does not know;
  /// CKernels replaces them before main whenever the processor has AVX2 (OpenBLASCore.c).
  @Test func openBLASDoesNotRunItsSSE3FallbackOnAVX2Processors() {
    guard Int(ckernels_instruction_level()) >= CKERNELS_AVX2 else { return }
    #expect(BLAS.coreName != "Prescott", "OpenBLAS runs \(BLAS.coreName) on a processor with AVX2")
  }

  /// The replacement kernels compute the same products (a 70×50·50×60 product against a plain loop).
  @Test func matrixProductsAreRightWithTheChosenCore() {
    var rng = SplitMix64(seed: 21)
    let (m, n, k) = (70, 60, 50)
    let a = (0..<(m * k)).map { _ in rng.nextUniform() - 0.5 }
    let b = (0..<(k * n)).map { _ in rng.nextUniform() - 0.5 }
    var c = [Float](repeating: 0, count: m * n)
    a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in c.withUnsafeMutableBufferPointer { BLAS.gemm(a, b, $0, m: m, n: n, k: k) } } }
    for i in 0..<m {
      for j in 0..<n {
        var expected = 0.0
        for p in 0..<k { expected += Double(a[i * k + p]) * Double(b[p * n + j]) }
        #expect(abs(Double(c[i * n + j]) - expected) < 1e-4)
      }
    }
  }
}
