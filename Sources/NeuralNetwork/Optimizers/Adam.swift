import CKernels
import Foundation

/// Adam with bias correction: `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
/// `w ← w − η·m̂ / (√v̂ + ε)`.
/// - Paper: https://arxiv.org/abs/1412.6980
public struct Adam: Optimizer {
  public var learningRate: Float
  public var weightDecay: Float
  public var beta1: Float
  public var beta2: Float
  public var epsilon: Float
  public private(set) var stepCount = 0
  private var table = SlotTable(["m", "v"])

  public init(
    learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
    weightDecay: Float = 0
  ) {
    precondition(learningRate > 0, "learning rate must be positive, but is \(learningRate)")
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
  }

  public mutating func update(_ parameters: [Parameter]) {
    stepCount += 1
    let b1 = beta1
    let b2 = beta2
    let epsilon = epsilon
    let correction1 = 1 - Float(Foundation.pow(Double(b1), Double(stepCount)))
    let correction2 = 1 - Float(Foundation.pow(Double(b2), Double(stepCount)))
    let stepSize = learningRate / correction1
    let rootCorrection2 = correction2.squareRoot()
    for parameter in parameters {
      table.withSlots(of: parameter, weightDecay: weightDecay) { g, w, slots in
        guard let gBase = g.baseAddress, let wBase = w.baseAddress, let sBase = slots.baseAddress else { return }
        // In C (CKernels): vectorised, AVX2 when available; moments below 1e-30 are flushed to
        // zero, since subnormal moments of never-updated weights made this step 20× slower.
        ckernels_adam(
          gBase, wBase, sBase, sBase + w.count, w.count, b1, b2, stepSize, 1 / rootCorrection2, epsilon)
      }
    }
  }

  public var state: [String: Tensor] {
    var result = table.tensors
    result["step"] = Self.stepTensor(stepCount)
    return result
  }

  public mutating func restore(_ state: [String: Tensor]) throws {
    let step = try Self.step(from: state)
    try table.restore(state)
    stepCount = step
  }
}
