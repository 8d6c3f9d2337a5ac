extension Tensor {
  /// The matrix product of two rank-2 tensors, `[m, k] · [k, n] → [m, n]`, with optional transposes.
  public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false)
    -> Tensor
  {
    precondition(rank == 2 && other.rank == 2, "matmul needs rank-2 tensors, got \(shape), \(other.shape)")
    let m = transposeSelf ? shape[1] : shape[0]
    let k = transposeSelf ? shape[0] : shape[1]
    let otherK = transposeOther ? other.shape[1] : other.shape[0]
    let n = transposeOther ? other.shape[0] : other.shape[1]
    precondition(k == otherK, "matmul inner dimensions differ: \(shape) · \(other.shape)")
    var result = Tensor(shape: [m, n])
    withUnsafeBufferPointer { a in
      other.withUnsafeBufferPointer { b in
        result.withUnsafeMutableBufferPointer { c in
          BLAS.gemm(a, transposeA: transposeSelf, b, transposeB: transposeOther, c, m: m, n: n, k: k)
        }
      }
    }
    return result
  }
}
