/// SGD with momentum (PyTorch's form): `v ← μ·v + g`, `w ← w − η·v`; with Nesterov,
/// `w ← w − η·(g + μ·v)`.
public struct Momentum: Optimizer {
  public var learningRate: Float
  public var weightDecay: Float
  public var momentum: Float
  public var nesterov: Bool
  private var table = SlotTable(["velocity"])

  public init(learningRate: Float = 0.01, momentum: Float = 0.9, nesterov: Bool = false, weightDecay: Float = 0) {
    precondition(learningRate > 0, "learning rate must be positive, but is \(learningRate)")
    precondition((0..<1).contains(momentum), "momentum must be in [0, 1), but is \(momentum)")
    self.learningRate = learningRate
    self.momentum = momentum
    self.nesterov = nesterov
    self.weightDecay = weightDecay
  }

  public mutating func update(_ parameters: [Parameter]) {
    let rate = learningRate
    let mu = momentum
    let nesterov = nesterov
    for parameter in parameters {
      table.withSlots(of: parameter, weightDecay: weightDecay) { g, w, slots in
        for i in 0..<w.count {
          slots[i] = mu * slots[i] + g[i]
          w[i] -= rate * (nesterov ? g[i] + mu * slots[i] : slots[i])
        }
      }
    }
  }

  public var state: [String: Tensor] { table.tensors }
  public mutating func restore(_ state: [String: Tensor]) throws { try table.restore(state) }
}
