/// Inverted dropout: in training, zeroes each element with `probability` and scales survivors by
/// 1/(1−p); at inference it is the identity.
/// - Paper: https://jmlr.org/papers/v15/srivastava14a.html
public final class Dropout: Layer {
  public let probability: Float
  public var computesInputGradient = true
  /// The generator that draws masks; part of the layer so runs are reproducible.
  public var rng: SplitMix64

  private var mask: [Float] = []
  private var hasMask = false
  private var trainingOutput = Tensor.empty
  private var inputGradient = Tensor.empty

  public init(probability: Float, seed: UInt64 = 0) {
    precondition((0..<1).contains(probability), "Dropout probability must be in [0, 1), but is \(probability)")
    self.probability = probability
    self.rng = SplitMix64(seed: seed)
  }

  public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }

  public func forward(_ input: Tensor, training: Bool) -> Tensor {
    guard training else { return input }
    if mask.count != input.count { mask = [Float](repeating: 0, count: input.count) }
    let keep = 1 - probability
    let scale = 1 / keep
    var output = trainingOutput
    trainingOutput = .empty
    output.resize(to: input.shape)
    input.withUnsafeBufferPointer { x in
      output.withUnsafeMutableBufferPointer { y in
        mask.withUnsafeMutableBufferPointer { m in
          for i in 0..<x.count {
            m[i] = rng.nextUniform() < keep ? scale : 0
            y[i] = x[i] * m[i]
          }
        }
      }
    }
    hasMask = true
    trainingOutput = output
    return output
  }

  /// The last training mask: 0 for dropped elements, 1/(1−p) for kept ones.
  public var lastMask: [Float] { mask }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    precondition(hasMask, "Dropout.backward called without a training forward")
    precondition(outputGradient.count == mask.count, "Dropout.backward got \(outputGradient.shape)")
    hasMask = false
    guard computesInputGradient else { return .empty }
    inputGradient.resize(to: outputGradient.shape)
    outputGradient.withUnsafeBufferPointer { dy in
      mask.withUnsafeBufferPointer { m in
        inputGradient.withUnsafeMutableBufferPointer { dx in
          for i in 0..<dy.count { dx[i] = dy[i] * m[i] }
        }
      }
    }
    return inputGradient
  }

  public var description: String { "Dropout(\(probability))" }
}
