/// Updates parameters in place from their gradients; state is kept per parameter name.
///
/// Optimizers are structs, so a copy of one is a checkpoint of its state.
public protocol Optimizer: Sendable {
  /// The step size.
  var learningRate: Float { get set }
  /// L2 weight decay λ: `λ·w` is added to the gradient of every decaying parameter.
  var weightDecay: Float { get set }
  /// Moves each parameter one step against its gradient.
  mutating func update(_ parameters: [Parameter])
  /// The state as named tensors (`conv1.weight.m`, …, and `step`), for checkpoints.
  var state: [String: Tensor] { get }
  /// Restores state saved by `state`.
  mutating func restore(_ state: [String: Tensor]) throws
}

/// Per-parameter state slots (moments, velocities), created lazily and keyed by parameter name.
struct SlotTable: Sendable {
  let slotNames: [String]
  /// Per parameter, all its slots in one tensor `[slotCount, parameter elements…]`.
  private(set) var slots: [String: Tensor] = [:]

  init(_ slotNames: [String]) { self.slotNames = slotNames }

  /// Runs `body` with the gradient (weight decay applied), the value and the slots of `parameter`;
  /// slot `k` of element `i` is `slots[k·count + i]`.
  mutating func withSlots(
    of parameter: Parameter, weightDecay: Float,
    _ body: (
      _ gradient: UnsafeBufferPointer<Float>, _ value: UnsafeMutableBufferPointer<Float>,
      _ slots: UnsafeMutableBufferPointer<Float>
    ) -> Void
  ) {
    let shape = parameter.value.shape
    let count = slotNames.count
    let decay = parameter.decays ? weightDecay : 0
    if decay != 0 {
      let value = parameter.value
      parameter.gradient.add(value, scale: decay)
    }
    parameter.gradient.withUnsafeBufferPointer { gradient in
      parameter.value.withUnsafeMutableBufferPointer { value in
        slots[parameter.name, default: Tensor(shape: [count] + shape)]
          .withUnsafeMutableBufferPointer { body(gradient, value, $0) }
      }
    }
  }

  /// The slots as a flat dictionary `"<parameter>.<slot>" → tensor`.
  var tensors: [String: Tensor] {
    var result: [String: Tensor] = [:]
    for (name, packed) in slots {
      let shape = Array(packed.shape.dropFirst())
      let size = shape.reduce(1, *)
      for (index, slotName) in slotNames.enumerated() {
        result["\(name).\(slotName)"] = Tensor(
          shape: shape, scalars: Array(packed.scalars[(index * size)..<((index + 1) * size)]))
      }
    }
    return result
  }

  /// Rebuilds the slots from `tensors` (ignoring keys that are not slots, such as `step`).
  mutating func restore(_ tensors: [String: Tensor]) throws {
    var rebuilt: [String: [Tensor]] = [:]
    for (key, value) in tensors {
      guard let dot = key.lastIndex(of: ".") else { continue }
      let name = String(key[..<dot])
      let slotName = String(key[key.index(after: dot)...])
      guard let slotIndex = slotNames.firstIndex(of: slotName) else { continue }
      var values = rebuilt[name] ?? Array(repeating: Tensor.empty, count: slotNames.count)
      values[slotIndex] = value
      rebuilt[name] = values
    }
    var packed: [String: Tensor] = [:]
    for (name, values) in rebuilt {
      guard let shape = values.first?.shape,
        values.allSatisfy({ $0.count > 0 && $0.shape == shape })
      else { throw OptimizerError.incompleteState(parameter: name, slots: slotNames) }
      packed[name] = Tensor(shape: [values.count] + shape, scalars: values.flatMap(\.scalars))
    }
    slots = packed
  }
}

/// A saved optimizer state that does not fit.
public enum OptimizerError: Error, CustomStringConvertible, Equatable {
  case incompleteState(parameter: String, slots: [String])

  public var description: String {
    switch self {
    case .incompleteState(let parameter, let slots):
      return "optimizer state for '\(parameter)' is incomplete: expected slots \(slots.joined(separator: ", "))"
    }
  }
}

extension Optimizer {
  static func stepTensor(_ step: Int) -> Tensor { Tensor(shape: [1], scalars: [Float(step)]) }
  static func step(from state: [String: Tensor]) -> Int { Int(state["step"]?[flat: 0] ?? 0) }
}

/// Scales all gradients so their global L2 norm is at most `maxNorm`; returns the norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
  precondition(maxNorm > 0, "maxNorm must be positive, but is \(maxNorm)")
  var squared: Float = 0
  for parameter in parameters { squared += parameter.gradient.squaredNorm() }
  let norm = squared.squareRoot()
  if norm > maxNorm {
    let factor = maxNorm / (norm + 1e-6)
    for parameter in parameters { parameter.gradient.scale(by: factor) }
  }
  return norm
}
