import Foundation

/// The element-wise nonlinearities.
public enum ActivationKind: Sendable, Equatable, Codable {
  case relu
  /// max(x, slope·x).
  case leakyReLU(slope: Float)
  case sigmoid
  case tanh
}

/// An element-wise activation layer: ReLU, LeakyReLU, Sigmoid or Tanh.
///
/// Backward uses the cached *output* (ReLU: y > 0; sigmoid: y(1−y); tanh: 1−y²), as the book does.
public final class Activation: Layer {
  public let kind: ActivationKind
  public var computesInputGradient = true

  private var cachedOutput = Tensor.empty
  private var trainingOutput = Tensor.empty
  private var inferenceOutput = Tensor.empty
  private var inputGradient = Tensor.empty

  public init(_ kind: ActivationKind) { self.kind = kind }

  /// `Activation(.relu)`.
  public static var relu: Activation { Activation(.relu) }
  /// `Activation(.sigmoid)`.
  public static var sigmoid: Activation { Activation(.sigmoid) }
  /// `Activation(.tanh)`.
  public static var tanh: Activation { Activation(.tanh) }
  /// `Activation(.leakyReLU(slope:))`.
  public static func leakyReLU(slope: Float = 0.01) -> Activation { Activation(.leakyReLU(slope: slope)) }

  public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }

  public func forward(_ input: Tensor, training: Bool) -> Tensor {
    var output = training ? trainingOutput : inferenceOutput
    if training { trainingOutput = .empty } else { inferenceOutput = .empty }
    output.resize(to: input.shape)
    let kind = kind
    input.withUnsafeBufferPointer { x in
      output.withUnsafeMutableBufferPointer { y in
        switch kind {
        case .relu:
          for i in 0..<x.count { y[i] = x[i] > 0 ? x[i] : 0 }
        case .leakyReLU(let slope):
          for i in 0..<x.count { y[i] = x[i] > 0 ? x[i] : slope * x[i] }
        case .sigmoid:
          for i in 0..<x.count { y[i] = 1 / (1 + Foundation.exp(-x[i])) }
        case .tanh:
          for i in 0..<x.count { y[i] = Foundation.tanh(x[i]) }
        }
      }
    }
    if training {
      trainingOutput = output
      cachedOutput = output
      if case .leakyReLU = kind { cachedInputSign = input }
    } else {
      inferenceOutput = output
    }
    return output
  }

  // LeakyReLU keeps its input: with a zero or negative slope the output no longer tells the sign.
  private var cachedInputSign = Tensor.empty

  public func backward(_ outputGradient: Tensor) -> Tensor {
    requireCachedInput(cachedOutput, layer: "Activation")
    precondition(outputGradient.shape == cachedOutput.shape, "\(self).backward got \(outputGradient.shape), expected \(cachedOutput.shape)")
    defer {
      cachedOutput = .empty
      cachedInputSign = .empty
    }
    guard computesInputGradient else { return .empty }
    inputGradient.resize(to: outputGradient.shape)
    let kind = kind
    outputGradient.withUnsafeBufferPointer { dy in
      cachedOutput.withUnsafeBufferPointer { y in
        cachedInputSign.withUnsafeBufferPointer { x in
          inputGradient.withUnsafeMutableBufferPointer { dx in
            switch kind {
            case .relu:
              if let dyBase = dy.baseAddress, let yBase = y.baseAddress, let dxBase = dx.baseAddress {
                Kernels.reluBackward(dyBase, yBase, dxBase, count: dy.count)
              }
            case .leakyReLU(let slope):
              if let dyBase = dy.baseAddress, let xBase = x.baseAddress, let dxBase = dx.baseAddress {
                Kernels.leakyReLUBackward(dyBase, xBase, dxBase, count: dy.count, slope: slope)
              }
            case .sigmoid:
              for i in 0..<dy.count { dx[i] = dy[i] * y[i] * (1 - y[i]) }
            case .tanh:
              for i in 0..<dy.count { dx[i] = dy[i] * (1 - y[i] * y[i]) }
            }
          }
        }
      }
    }
    return inputGradient
  }

  public var description: String {
    switch kind {
    case .relu: return "ReLU"
    case .leakyReLU(let slope): return "LeakyReLU(\(slope))"
    case .sigmoid: return "Sigmoid"
    case .tanh: return "Tanh"
    }
  }
}
