/// Batch normalisation: per feature of `[N, F]` or per channel of `[N, C, H, W]`.
///
/// Training normalises with the batch's statistics and updates running averages
/// (`running = (1−momentum)·running + momentum·batch`, unbiased variance, as PyTorch);
/// inference normalises with the running averages.
/// - Paper: https://arxiv.org/abs/1502.03167
public final class BatchNorm: Layer {
  public let features: Int
  public let momentum: Float
  public let epsilon: Float
  public let name: String
  public let scale: Parameter
  public let shift: Parameter
  public let runningMean: Parameter
  public let runningVariance: Parameter
  public var computesInputGradient = true

  private var normalized = Tensor.empty
  private var inverseStd: [Float] = []
  private var hasCache = false
  private var trainingOutput = Tensor.empty
  private var inferenceOutput = Tensor.empty
  private var inputGradient = Tensor.empty

  /// - Parameters:
  ///   - features: `F` of `[N, F]` or `C` of `[N, C, H, W]`.
  ///   - name: parameter prefix (`bn1` gives `bn1.weight`, `bn1.bias`, `bn1.running_mean`, `bn1.running_var`).
  public init(features: Int, name: String, momentum: Float = 0.1, epsilon: Float = 1e-5) {
    precondition(features > 0, "BatchNorm needs features > 0, got \(features)")
    self.features = features
    self.momentum = momentum
    self.epsilon = epsilon
    self.name = name
    scale = Parameter(name: "\(name).weight", value: Tensor(shape: [features], repeating: 1), decays: false)
    shift = Parameter(name: "\(name).bias", value: Tensor(shape: [features]), decays: false)
    runningMean = Parameter(name: "\(name).running_mean", value: Tensor(shape: [features]), decays: false)
    runningVariance = Parameter(
      name: "\(name).running_var", value: Tensor(shape: [features], repeating: 1), decays: false)
  }

  public var parameters: [Parameter] { [scale, shift] }
  public var buffers: [Parameter] { [runningMean, runningVariance] }

  public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }

  /// (batch, spatial) extents: elements of feature f sit at `(n·F + f)·spatial + s`.
  private func layout(_ shape: [Int]) -> (batch: Int, spatial: Int) { featureLayout(shape, features: features, layer: self) }

  public func forward(_ input: Tensor, training: Bool) -> Tensor {
    let (batch, spatial) = layout(input.shape)
    let features = features
    var output = training ? trainingOutput : inferenceOutput
    if training { trainingOutput = .empty } else { inferenceOutput = .empty }
    output.resize(to: input.shape)
    if training {
      let m = Float(batch * spatial)
      precondition(batch * spatial > 1, "BatchNorm training needs more than one value per feature")
      normalized.resize(to: input.shape)
      if inverseStd.count != features { inverseStd = [Float](repeating: 0, count: features) }
      input.withUnsafeBufferPointer { x in
        for f in 0..<features {
          var sum: Float = 0
          for n in 0..<batch {
            let base = (n &* features &+ f) &* spatial
            for s in 0..<spatial { sum += x[base &+ s] }
          }
          let mean = sum / m
          var squares: Float = 0
          for n in 0..<batch {
            let base = (n &* features &+ f) &* spatial
            for s in 0..<spatial {
              let d = x[base &+ s] - mean
              squares += d * d
            }
          }
          let variance = squares / m
          let inv = 1 / (variance + epsilon).squareRoot()
          inverseStd[f] = inv
          let gamma = scale.value[flat: f]
          let beta = shift.value[flat: f]
          normalized.withUnsafeMutableBufferPointer { xhat in
            output.withUnsafeMutableBufferPointer { y in
              for n in 0..<batch {
                let base = (n &* features &+ f) &* spatial
                for s in 0..<spatial {
                  let v = (x[base &+ s] - mean) * inv
                  xhat[base &+ s] = v
                  y[base &+ s] = gamma * v + beta
                }
              }
            }
          }
          runningMean.value[flat: f] = (1 - momentum) * runningMean.value[flat: f] + momentum * mean
          runningVariance.value[flat: f] =
            (1 - momentum) * runningVariance.value[flat: f] + momentum * variance * m / (m - 1)
        }
      }
      hasCache = true
      trainingOutput = output
    } else {
      input.withUnsafeBufferPointer { x in
        output.withUnsafeMutableBufferPointer { y in
          for f in 0..<features {
            let inv = 1 / (runningVariance.value[flat: f] + epsilon).squareRoot()
            let gamma = scale.value[flat: f] * inv
            let beta = shift.value[flat: f] - runningMean.value[flat: f] * gamma
            for n in 0..<batch {
              let base = (n &* features &+ f) &* spatial
              for s in 0..<spatial { y[base &+ s] = x[base &+ s] * gamma + beta }
            }
          }
        }
      }
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
    let m = Float(batch * spatial)
    inputGradient.resize(to: outputGradient.shape)
    let wantInput = computesInputGradient
    outputGradient.withUnsafeBufferPointer { dy in
      normalized.withUnsafeBufferPointer { xhat in
        inputGradient.withUnsafeMutableBufferPointer { dx in
          for f in 0..<features {
            var sumDy: Float = 0
            var sumDyXhat: Float = 0
            for n in 0..<batch {
              let base = (n &* features &+ f) &* spatial
              for s in 0..<spatial {
                sumDy += dy[base &+ s]
                sumDyXhat += dy[base &+ s] * xhat[base &+ s]
              }
            }
            scale.gradient[flat: f] += sumDyXhat
            shift.gradient[flat: f] += sumDy
            guard wantInput else { continue }
            let factor = scale.value[flat: f] * inverseStd[f] / m
            for n in 0..<batch {
              let base = (n &* features &+ f) &* spatial
              for s in 0..<spatial {
                dx[base &+ s] = factor * (m * dy[base &+ s] - sumDy - xhat[base &+ s] * sumDyXhat)
              }
            }
          }
        }
      }
    }
    return wantInput ? inputGradient : .empty
  }

  public var description: String { "BatchNorm(\(features), \(name))" }
}
