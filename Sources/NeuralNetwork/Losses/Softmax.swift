import Foundation

/// Row-wise softmax of `[N, K]` logits, shifted by each row's maximum for stability.
public func softmax(_ logits: Tensor) -> Tensor {
  var result = Tensor.empty
  softmax(logits, into: &result)
  return result
}

/// Row-wise softmax of `[N, K]` logits into `result` (reusing its storage when the size fits).
public func softmax(_ logits: Tensor, into result: inout Tensor) {
  precondition(logits.rank == 2, "softmax expects [N, K], got \(logits.shape)")
  let rows = logits.shape[0]
  let classes = logits.shape[1]
  result.resize(to: logits.shape)
  logits.withUnsafeBufferPointer { x in
    result.withUnsafeMutableBufferPointer { y in
      for row in 0..<rows {
        let base = row * classes
        var maximum = -Float.infinity
        for k in 0..<classes { maximum = max(maximum, x[base + k]) }
        var sum: Float = 0
        for k in 0..<classes {
          let e = Foundation.exp(x[base + k] - maximum)
          y[base + k] = e
          sum += e
        }
        for k in 0..<classes { y[base + k] /= sum }
      }
    }
  }
}
