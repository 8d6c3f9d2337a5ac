/// Compares a layer's analytic gradients with central differences (the book's `gradient_check`).
public enum GradientCheck {
  /// The largest relative errors found, for the input and for each parameter.
  public struct Report: Sendable, CustomStringConvertible {
    public var inputError: Float
    public var parameterErrors: [String: Float]
    /// The worst error over the input and all parameters.
    public var maxRelativeError: Float { max(inputError, parameterErrors.values.max() ?? 0) }
    public var description: String {
      "input \(inputError), " + parameterErrors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
  }

  /// The relative error `|a − n| / max(|a|, |n|, floor)`.
  public static func relativeError(_ analytic: Float, _ numeric: Float, floor: Float = 1e-3) -> Float {
    abs(analytic - numeric) / max(abs(analytic), abs(numeric), floor)
  }

  /// Checks `layer` on a given input with the scalar loss `Σ w ⊙ forward(x)` for fixed random `w`.
  ///
  /// Training-mode forwards are used throughout, so BatchNorm's batch statistics are differentiated.
  public static func run<G: RandomNumberGenerator>(
    _ layer: Layer, input: Tensor, step: Float = 1e-3, using rng: inout G
  ) -> Report {
    let output = layer.forward(input, training: true)
    var weights = Tensor(shape: output.shape)
    weights.withUnsafeMutableBufferPointer { w in
      for i in 0..<w.count { w[i] = rng.nextUniform() * 2 - 1 }
    }
    layer.zeroGradients()
    let inputGradient = layer.backward(weights)
    let analytic = layer.parameters.map { ($0.name, $0.gradient) }

    func lossValue(_ x: Tensor) -> Double {
      let y = layer.forward(x, training: true)
      // Consume the caches so the next training forward starts clean.
      _ = layer.backward(Tensor(shape: y.shape))
      var total: Double = 0
      for i in 0..<y.count { total += Double(y[flat: i]) * Double(weights[flat: i]) }
      return total
    }

    var inputError: Float = 0
    if layer.computesInputGradient {
      var probe = input
      for i in 0..<input.count {
        let original = probe[flat: i]
        probe[flat: i] = original + step
        let plus = lossValue(probe)
        probe[flat: i] = original - step
        let minus = lossValue(probe)
        probe[flat: i] = original
        let numeric = Float((plus - minus) / Double(2 * step))
        inputError = max(inputError, relativeError(inputGradient[flat: i], numeric))
      }
    }
    var parameterErrors: [String: Float] = [:]
    for (parameter, (name, gradient)) in zip(layer.parameters, analytic) {
      var worst: Float = 0
      for i in 0..<parameter.value.count {
        let original = parameter.value[flat: i]
        parameter.value[flat: i] = original + step
        let plus = lossValue(input)
        parameter.value[flat: i] = original - step
        let minus = lossValue(input)
        parameter.value[flat: i] = original
        let numeric = Float((plus - minus) / Double(2 * step))
        worst = max(worst, relativeError(gradient[flat: i], numeric))
      }
      parameterErrors[name] = worst
    }
    return Report(inputError: inputError, parameterErrors: parameterErrors)
  }
}
