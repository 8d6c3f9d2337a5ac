/// Plain stochastic gradient descent: `w ← w − η·g`.
public struct SGD: Optimizer {
  public var learningRate: Float
  public var weightDecay: Float
  private var table = SlotTable([])

  public init(learningRate: Float = 0.01, weightDecay: Float = 0) {
    precondition(learningRate > 0, "learning rate must be positive, but is \(learningRate)")
    self.learningRate = learningRate
    self.weightDecay = weightDecay
  }

  public mutating func update(_ parameters: [Parameter]) {
    let rate = learningRate
    for parameter in parameters {
      table.withSlots(of: parameter, weightDecay: weightDecay) { g, w, _ in
        for i in 0..<w.count { w[i] -= rate * g[i] }
      }
    }
  }

  public var state: [String: Tensor] { [:] }
  public mutating func restore(_ state: [String: Tensor]) throws {}
}
