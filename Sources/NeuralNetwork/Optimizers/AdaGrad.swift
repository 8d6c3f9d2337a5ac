/// AdaGrad: `h ← h + g²`, `w ← w − η·g / (√h + ε)`.
/// - Paper: https://jmlr.org/papers/v12/duchi11a.html
public struct AdaGrad: Optimizer {
  public var learningRate: Float
  public var weightDecay: Float
  public var epsilon: Float
  private var table = SlotTable(["sum_squares"])

  public init(learningRate: Float = 0.01, epsilon: Float = 1e-7, weightDecay: Float = 0) {
    precondition(learningRate > 0, "learning rate must be positive, but is \(learningRate)")
    self.learningRate = learningRate
    self.epsilon = epsilon
    self.weightDecay = weightDecay
  }

  public mutating func update(_ parameters: [Parameter]) {
    let rate = learningRate
    let epsilon = epsilon
    for parameter in parameters {
      table.withSlots(of: parameter, weightDecay: weightDecay) { g, w, slots in
        for i in 0..<w.count {
          slots[i] += g[i] * g[i]
          w[i] -= rate * g[i] / (slots[i].squareRoot() + epsilon)
        }
      }
    }
  }

  public var state: [String: Tensor] { table.tensors }
  public mutating func restore(_ state: [String: Tensor]) throws { try table.restore(state) }
}
