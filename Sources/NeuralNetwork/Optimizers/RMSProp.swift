import CKernels

/// RMSProp (PyTorch's form): `v ← α·v + (1−α)·g²`, `w ← w − η·g / (√v + ε)`; centered also tracks
/// the mean gradient `m` and divides by `√(v − m²) + ε` (MinAtar's DQN: η 2.5e-4, α 0.95, ε 0.01).
public struct RMSProp: Optimizer {
  public var learningRate: Float
  public var weightDecay: Float
  public var decay: Float
  public var epsilon: Float
  public var centered: Bool
  private var table = SlotTable(["square_avg", "grad_avg"])

  public init(
    learningRate: Float = 0.01, decay: Float = 0.99, epsilon: Float = 1e-8, centered: Bool = false,
    weightDecay: Float = 0
  ) {
    precondition(learningRate > 0, "learning rate must be positive, but is \(learningRate)")
    precondition((0..<1).contains(decay), "decay must be in [0, 1), but is \(decay)")
    self.learningRate = learningRate
    self.decay = decay
    self.epsilon = epsilon
    self.centered = centered
    self.weightDecay = weightDecay
  }

  public mutating func update(_ parameters: [Parameter]) {
    let rate = learningRate
    let alpha = decay
    let epsilon = epsilon
    let centered = centered
    for parameter in parameters {
      table.withSlots(of: parameter, weightDecay: weightDecay) { g, w, slots in
        guard let gBase = g.baseAddress, let wBase = w.baseAddress, let sBase = slots.baseAddress else { return }
        // In C (CKernels): vectorised, AVX2 when available, tiny averages flushed to zero.
        ckernels_rmsprop(
          gBase, wBase, sBase, sBase + w.count, w.count, rate, alpha, epsilon, centered ? 1 : 0)
      }
    }
  }

  public var state: [String: Tensor] { table.tensors }
  public mutating func restore(_ state: [String: Tensor]) throws { try table.restore(state) }
}
