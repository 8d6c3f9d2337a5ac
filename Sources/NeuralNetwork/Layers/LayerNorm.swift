/// Layer normalisation over the features of each sample: `[N, F]`, or the channels at each
/// position of `[N, C, H, W]` (what flax's `LayerNorm` does on the last axis of NHWC images).
///
/// `y = γ · (x − mean) / sqrt(var + ε) + β`, with the mean and the (biased) variance taken over
/// the `F` (or `C`) values of one sample at one position; the same in training and inference, so
/// there are no running statistics.
/// - Paper: https://arxiv.org/abs/1607.06450
public final class LayerNorm: Layer {
  public let features: Int
  public let epsilon: Float
  public let name: String
  public let scale: Parameter
  public let shift: Parameter
  public var computesInputGradient = true

  private var normalized = Tensor.empty
  private var inverseStd: [Float] = []
  private var hasCache = false
  private var trainingOutput = Tensor.empty
  private var inferenceOutput = Tensor.empty
  private var inputGradient = Tensor.empty

  /// - Parameters:
  ///   - features: `F` of `[N, F]` or `C` of `[N, C, H, W]`.
  ///   - name: parameter prefix (`ln1` gives `ln1.weight`, `ln1.bias`).
  public init(features: Int, name: String, epsilon: Float = 1e-6) {
    precondition(features > 0, "LayerNorm needs features > 0, got \(features)")
    self.features = features
    self.epsilon = epsilon
    self.name = name
    scale = Parameter(name: "\(name).weight", value: Tensor(shape: [features], repeating: 1), decays: false)
    shift = Parameter(name: "\(name).bias", value: Tensor(shape: [features]), decays: false)
  }

  public var parameters: [Parameter] { [scale, shift] }

  public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }

  /// (groups, spatial): group g = n·spatial + s holds the values at `(n·F + f)·spatial + s`.
  private func layout(_ shape: [Int]) -> (batch: Int, spatial: Int) { featureLayout(shape, features: features, layer: self) }

  public func forward(_ input: Tensor, training: Bool) -> Tensor {
    let (batch, spatial) = layout(input.shape)
    let features = features
    let epsilon = epsilon
    var output = training ? trainingOutput : inferenceOutput
    if training { trainingOutput = .empty } else { inferenceOutput = .empty }
    output.resize(to: input.shape)
    if training {
      normalized.resize(to: input.shape)
      if inverseStd.count != batch * spatial { inverseStd = [Float](repeating: 0, count: batch * spatial) }
    }
    let count = Float(features)
    scale.value.withUnsafeBufferPointer { gamma in
      shift.value.withUnsafeBufferPointer { beta in
        input.withUnsafeBufferPointer { x in
          output.withUnsafeMutableBufferPointer { y in
            for n in 0..<batch {
              for s in 0..<spatial {
                let base = n &* features &* spatial &+ s
                var sum: Float = 0
                for f in 0..<features { sum += x[base &+ f &* spatial] }
                let mean = sum / count
                var squares: Float = 0
                for f in 0..<features {
                  let d = x[base &+ f &* spatial] - mean
                  squares += d * d
                }
                let inv = 1 / (squares / count + epsilon).squareRoot()
                for f in 0..<features {
                  let index = base &+ f &* spatial
                  y[index] = gamma[f] * ((x[index] - mean) * inv) + beta[f]
                }
                if training {
                  inverseStd[n &* spatial &+ s] = inv
                  normalized.withUnsafeMutableBufferPointer { xhat in
                    for f in 0..<features {
                      let index = base &+ f &* spatial
                      xhat[index] = (x[index] - mean) * inv
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    if training {
      hasCache = true
      trainingOutput = output
    } else {
      inferenceOutput = output
    }
    return output
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    precondition(hasCache, "\(name).backward called without a training forward")
    precondition(outputGradient.shape == normalized.shape, "\(name).backward got \(outputGradient.shape)")
    hasCache = false
    let (batch, spatial) = layout(outputGradient.shape)
    let features = features
    let count = Float(features)
    let wantInput = computesInputGradient
    if wantInput { inputGradient.resize(to: outputGradient.shape) }
    var gammaGradient = [Float](repeating: 0, count: features)
    var betaGradient = [Float](repeating: 0, count: features)
    scale.value.withUnsafeBufferPointer { gamma in
      outputGradient.withUnsafeBufferPointer { dy in
        normalized.withUnsafeBufferPointer { xhat in
          inputGradient.withUnsafeMutableBufferPointer { dx in
            for n in 0..<batch {
              for s in 0..<spatial {
                let base = n &* features &* spatial &+ s
                // g = γ·dy is ∂loss/∂x̂; dx = inv/F · (F·g − Σg − x̂·Σ(g·x̂)).
                var sumG: Float = 0
                var sumGXhat: Float = 0
                for f in 0..<features {
                  let index = base &+ f &* spatial
                  gammaGradient[f] += dy[index] * xhat[index]
                  betaGradient[f] += dy[index]
                  let g = gamma[f] * dy[index]
                  sumG += g
                  sumGXhat += g * xhat[index]
                }
                guard wantInput else { continue }
                let factor = inverseStd[n &* spatial &+ s] / count
                for f in 0..<features {
                  let index = base &+ f &* spatial
                  dx[index] = factor * (count * gamma[f] * dy[index] - sumG - xhat[index] * sumGXhat)
                }
              }
            }
          }
        }
      }
    }
    for f in 0..<features {
      scale.gradient[flat: f] += gammaGradient[f]
      shift.gradient[flat: f] += betaGradient[f]
    }
    return wantInput ? inputGradient : .empty
  }

  public var description: String { "LayerNorm(\(features), \(name))" }
}
