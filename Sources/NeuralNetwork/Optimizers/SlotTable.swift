/// Per-parameter state slots (moments, velocities), created lazily and keyed by parameter name.
struct SlotTable: Sendable {
  let slotNames: [String]
  /// Per parameter, all its slots in one tensor `[slotCount, parameter elements…]`.
  private(set) var slots: [String: Tensor] = [:]

  init(_ slotNames: [String]) { self.slotNames = slotNames }

  /// Runs `body` with the gradient (weight decay applied), the value and the slots of `parameter`;
  /// slot `k` of element `i` is `slots[k·count + i]`. A frozen parameter is skipped: `body` does
  /// not run, no decay is added and no slots are made for it.
  mutating func withSlots(
    of parameter: Parameter, weightDecay: Float,
    _ body: (
      _ gradient: UnsafeBufferPointer<Float>, _ value: UnsafeMutableBufferPointer<Float>,
      _ slots: UnsafeMutableBufferPointer<Float>
    ) -> Void
  ) {
    if parameter.isFrozen { return }
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
      if let bad = value.firstNonFinite {
        throw OptimizerError.invalidState(name: key, detail: "holds \(bad.value) at element \(bad.index) (must be finite)")
      }
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
