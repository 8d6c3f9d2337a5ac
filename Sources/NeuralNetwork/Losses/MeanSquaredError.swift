/// Mean squared error over the selected elements: `Σ mask·(p − t)² / N` (N = rows), or over all
/// elements divided by their count when no mask is given (PyTorch's `MSELoss`).
public final class MeanSquaredError {
  private var gradient = Tensor.empty
  private var hasForward = false

  public init() {}

  /// - Parameters:
  ///   - predictions: `[N, K]` (any shape without a mask).
  ///   - targets: same shape as `predictions`.
  ///   - mask: optional `[N, K]` of 0/1 choosing which outputs count (the Q-learning case).
  public func forward(_ predictions: Tensor, targets: Tensor, mask: Tensor? = nil) -> Float {
    precondition(predictions.shape == targets.shape, "MSE shapes differ: \(predictions.shape) vs \(targets.shape)")
    if let mask { precondition(mask.shape == predictions.shape, "MSE mask shape \(mask.shape) ≠ \(predictions.shape)") }
    let divisor = Float(mask == nil ? predictions.count : predictions.batchSize)
    gradient.resize(to: predictions.shape)
    var total: Float = 0
    predictions.withUnsafeBufferPointer { p in
      targets.withUnsafeBufferPointer { t in
        gradient.withUnsafeMutableBufferPointer { g in
          for i in 0..<p.count {
            let weight = mask.map { $0[flat: i] } ?? 1
            let d = (p[i] - t[i]) * weight
            total += d * d
            g[i] = 2 * d / divisor
          }
        }
      }
    }
    hasForward = true
    return total / divisor
  }

  /// ∂loss/∂predictions for the last forward.
  public func backward() -> Tensor {
    precondition(hasForward, "MeanSquaredError.backward called without a forward")
    hasForward = false
    return gradient
  }
}
