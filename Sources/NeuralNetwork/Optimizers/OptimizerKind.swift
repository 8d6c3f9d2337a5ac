/// Optimizers by name, for command lines and preset files.
public enum OptimizerKind: String, CaseIterable, Codable, Sendable {
  case sgd, momentum, nesterov, adagrad, rmsprop
  case centeredRMSProp = "centered-rmsprop"
  case adam

  /// A fresh optimizer of this kind with the given step size and weight decay (other settings at
  /// their usual defaults; centered RMSProp takes MinAtar's α 0.95, ε 0.01).
  public func make(learningRate: Float, weightDecay: Float = 0) -> any Optimizer {
    switch self {
    case .sgd: return SGD(learningRate: learningRate, weightDecay: weightDecay)
    case .momentum: return Momentum(learningRate: learningRate, weightDecay: weightDecay)
    case .nesterov: return Momentum(learningRate: learningRate, nesterov: true, weightDecay: weightDecay)
    case .adagrad: return AdaGrad(learningRate: learningRate, weightDecay: weightDecay)
    case .rmsprop: return RMSProp(learningRate: learningRate, weightDecay: weightDecay)
    case .centeredRMSProp:
      return RMSProp(learningRate: learningRate, decay: 0.95, epsilon: 0.01, centered: true, weightDecay: weightDecay)
    case .adam: return Adam(learningRate: learningRate, weightDecay: weightDecay)
    }
  }

  /// The names, for error messages and help.
  public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
