import Foundation

/// Softmax followed by cross-entropy against integer labels, averaged over the batch (the book's
/// `SoftmaxWithLoss`).
public final class SoftmaxCrossEntropy {
  private var probabilities = Tensor.empty
  private var labels: [Int] = []
  private var logitsGradient = Tensor.empty

  public init() {}

  /// Returns the mean loss of `logits` `[N, K]` against `labels` (N integers in `0..<K`).
  public func forward(_ logits: Tensor, labels: [Int]) -> Float {
    precondition(logits.rank == 2 && logits.shape[0] == labels.count,
      "SoftmaxCrossEntropy expects [N, K] logits and N labels, got \(logits.shape) and \(labels.count)")
    let classes = logits.shape[1]
    precondition(labels.allSatisfy { (0..<classes).contains($0) }, "labels must be in 0..<\(classes)")
    softmax(logits, into: &probabilities)
    self.labels = labels
    var total: Double = 0
    probabilities.withUnsafeBufferPointer { p in
      for (row, label) in labels.enumerated() {
        total -= Double(Foundation.log(max(p[row * classes + label], 1e-7)))
      }
    }
    return Float(total / Double(max(labels.count, 1)))
  }

  /// The softmax probabilities of the last forward, `[N, K]`.
  public var lastProbabilities: Tensor { probabilities }

  /// ∂loss/∂logits for the last forward: (softmax − one-hot) / N.
  public func backward() -> Tensor {
    precondition(!labels.isEmpty, "SoftmaxCrossEntropy.backward called without a forward")
    let classes = probabilities.shape[1]
    let batch = Float(labels.count)
    logitsGradient.resize(to: probabilities.shape)
    probabilities.withUnsafeBufferPointer { p in
      logitsGradient.withUnsafeMutableBufferPointer { g in
        for i in 0..<p.count { g[i] = p[i] / batch }
        for (row, label) in labels.enumerated() { g[row * classes + label] -= 1 / batch }
      }
    }
    return logitsGradient
  }
}
