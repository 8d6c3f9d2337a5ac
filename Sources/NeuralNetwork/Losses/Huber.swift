/// The Huber function: `x²/2` for |x| ≤ δ, else `δ(|x| − δ/2)` (PyTorch's `smooth_l1` with β = δ = 1).
@inlinable
public func huber(_ x: Float, delta: Float = 1) -> Float {
  let a = abs(x)
  return a <= delta ? 0.5 * x * x : delta * (a - 0.5 * delta)
}

/// d huber(x)/dx: `x` clipped to `[−δ, δ]`.
@inlinable
public func huberGradient(_ x: Float, delta: Float = 1) -> Float {
  min(max(x, -delta), delta)
}

/// Huber loss over the selected outputs of each row, averaged over rows:
/// `Σ_rows w_r · Σ_k mask_rk · huber(p_rk − t_rk) / N`.
///
/// With a one-hot mask this is DQN's loss on the chosen action's Q-value; `rowWeights` carry
/// prioritized replay's importance-sampling weights.
public final class HuberLoss {
  public let delta: Float
  private var gradient = Tensor.empty
  private var hasForward = false

  public init(delta: Float = 1) {
    precondition(delta > 0, "Huber delta must be positive, but is \(delta)")
    self.delta = delta
  }

  /// - Parameters:
  ///   - predictions: `[N, K]`.
  ///   - targets: `[N, K]`.
  ///   - mask: `[N, K]` of 0/1, or nil for every element.
  ///   - rowWeights: N weights, or nil for all 1.
  public func forward(
    _ predictions: Tensor, targets: Tensor, mask: Tensor? = nil, rowWeights: [Float]? = nil
  ) -> Float {
    precondition(predictions.rank == 2 && predictions.shape == targets.shape,
      "Huber expects equal [N, K] shapes, got \(predictions.shape) and \(targets.shape)")
    if let mask { precondition(mask.shape == predictions.shape, "Huber mask shape \(mask.shape) ≠ \(predictions.shape)") }
    if let rowWeights { precondition(rowWeights.count == predictions.shape[0], "Huber needs \(predictions.shape[0]) row weights, got \(rowWeights.count)") }
    let rows = predictions.shape[0]
    let columns = predictions.shape[1]
    let delta = delta
    gradient.resize(to: predictions.shape)
    var total: Float = 0
    predictions.withUnsafeBufferPointer { p in
      targets.withUnsafeBufferPointer { t in
        gradient.withUnsafeMutableBufferPointer { g in
          for row in 0..<rows {
            let w = rowWeights?[row] ?? 1
            for k in 0..<columns {
              let i = row * columns + k
              let m = mask.map { $0[flat: i] } ?? 1
              let d = p[i] - t[i]
              total += w * m * huber(d, delta: delta)
              g[i] = w * m * huberGradient(d, delta: delta) / Float(rows)
            }
          }
        }
      }
    }
    hasForward = true
    return total / Float(rows)
  }

  /// The Q-learning form: row r counts only column `actions[r]`, whose target is `targets[r]`.
  ///
  /// - Parameters:
  ///   - predictions: `[N, A]` Q-values.
  ///   - actions: N chosen actions.
  ///   - targets: N TD targets.
  ///   - rowWeights: N importance weights, or nil.
  ///   - normalizer: the row count the sum is divided by (nil: N). A batch split into parts,
  ///     each divided by the whole batch's size, has loss and gradient the parts' sums.
  /// - Returns: the loss; `lastErrors` then holds each row's TD error `p − t`.
  public func forward(
    _ predictions: Tensor, actions: [Int], targets: [Float], rowWeights: [Float]? = nil, normalizer: Int? = nil
  ) -> Float {
    precondition(predictions.rank == 2 && actions.count == predictions.shape[0] && targets.count == actions.count,
      "Huber expects [N, A] predictions with N actions and targets, got \(predictions.shape), \(actions.count), \(targets.count)")
    let rows = predictions.shape[0]
    let columns = predictions.shape[1]
    let delta = delta
    let divisor = normalizer ?? rows
    precondition(divisor > 0, "Huber normalizer must be positive, got \(divisor)")
    gradient.resize(to: predictions.shape)
    if lastErrors.count != rows { lastErrors = [Float](repeating: 0, count: rows) }
    var total: Float = 0
    predictions.withUnsafeBufferPointer { p in
      gradient.withUnsafeMutableBufferPointer { g in
        for i in 0..<g.count { g[i] = 0 }
        for row in 0..<rows {
          let action = actions[row]
          precondition((0..<columns).contains(action), "action \(action) outside 0..<\(columns)")
          let w = rowWeights?[row] ?? 1
          let i = row * columns + action
          let d = p[i] - targets[row]
          lastErrors[row] = d
          total += w * huber(d, delta: delta)
          g[i] = w * huberGradient(d, delta: delta) / Float(divisor)
        }
      }
    }
    hasForward = true
    return total / Float(divisor)
  }

  /// Each row's error `prediction − target` from the last action-form forward.
  public private(set) var lastErrors: [Float] = []

  /// ∂loss/∂predictions for the last forward.
  public func backward() -> Tensor {
    precondition(hasForward, "HuberLoss.backward called without a forward")
    hasForward = false
    return gradient
  }
}
