/// Updates parameters in place from their gradients; state is kept per parameter name.
///
/// Optimizers are structs, so a copy of one is a checkpoint of its state.
public protocol Optimizer: Sendable {
  /// The step size.
  var learningRate: Float { get set }
  /// L2 weight decay λ: `λ·w` is added to the gradient of every decaying parameter.
  var weightDecay: Float { get set }
  /// Moves each parameter one step against its gradient. Frozen parameters (`isFrozen`) are
  /// never touched, and the optimizer keeps no state for them.
  mutating func update(_ parameters: [Parameter])
  /// The state as named tensors (`conv1.weight.m`, …, and `step`), for checkpoints.
  var state: [String: Tensor] { get }
  /// Restores state saved by `state`.
  mutating func restore(_ state: [String: Tensor]) throws
}

extension Optimizer {
  /// The step count as the `step` tensor of `state`.
  static func stepTensor(_ step: Int) -> Tensor { Tensor(shape: [1], scalars: [Float(step)]) }
  /// The step count saved in `state` (0 when it has none).
  ///
  /// - Throws: `OptimizerError.invalidState` unless it is one whole number in 0...10¹⁵.
  static func step(from state: [String: Tensor]) throws -> Int {
    guard let tensor = state["step"] else { return 0 }
    guard tensor.count == 1, let value = tensor.scalars.first, value.isFinite, value >= 0, value <= 1e15,
      value == value.rounded()
    else {
      throw OptimizerError.invalidState(
        name: "step", detail: "must be one whole number in 0...10^15, got \(tensor.scalars.prefix(4))")
    }
    return Int(value)
  }
}
