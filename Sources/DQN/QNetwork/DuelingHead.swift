import NeuralNetwork

/// A dueling head: `Q(s, a) = V(s) + A(s, a) − mean_a' A(s, a')`, each stream a hidden dense
/// layer with ReLU and an output layer.
///
/// Parameter names: `value1`, `value2`, `advantage1`, `advantage2` (`.weight`, `.bias`).
/// - Paper: Z. Wang et al., "Dueling Network Architectures for Deep RL", https://arxiv.org/abs/1511.06581
public final class DuelingHead: Layer {
  public let inputSize: Int
  public let actionCount: Int
  private let valueStream: Sequential
  private let advantageStream: Sequential
  public var computesInputGradient = true
  private var trainingOutput = Tensor.empty
  private var inferenceOutput = Tensor.empty
  private var valueGradient = Tensor.empty
  private var advantageGradient = Tensor.empty
  private var inputGradient = Tensor.empty
  private var hasTrainingForward = false

  /// - Parameters:
  ///   - inputSize: features per sample in the input `[N, inputSize]`.
  ///   - hiddenSize: units of each stream's hidden layer.
  ///   - actionCount: outputs `[N, actionCount]`.
  public init<G: RandomNumberGenerator>(inputSize: Int, hiddenSize: Int, actionCount: Int, using rng: inout G) {
    precondition(inputSize > 0 && hiddenSize > 0 && actionCount > 0,
      "DuelingHead sizes must be positive, got \(inputSize), \(hiddenSize), \(actionCount)")
    self.inputSize = inputSize
    self.actionCount = actionCount
    valueStream = Sequential([
      Dense(inputSize: inputSize, outputSize: hiddenSize, name: "value1", using: &rng), Activation.relu,
      Dense(inputSize: hiddenSize, outputSize: 1, name: "value2", using: &rng),
    ])
    advantageStream = Sequential([
      Dense(inputSize: inputSize, outputSize: hiddenSize, name: "advantage1", using: &rng), Activation.relu,
      Dense(inputSize: hiddenSize, outputSize: actionCount, name: "advantage2", using: &rng),
    ])
  }

  public var parameters: [Parameter] { valueStream.parameters + advantageStream.parameters }

  public func outputShape(for inputShape: [Int]) -> [Int] {
    precondition(inputShape.reduce(1, *) == inputSize, "\(self) expects \(inputSize) features, got \(inputShape)")
    return [actionCount]
  }

  public func forward(_ input: Tensor, training: Bool) -> Tensor {
    precondition(input.rank == 2 && input.shape[1] == inputSize,
      "DuelingHead(\(inputSize)→\(actionCount)) expects [N, \(inputSize)], got \(input.shape)")
    let value = valueStream.forward(input, training: training)
    let advantage = advantageStream.forward(input, training: training)
    var output = training ? trainingOutput : inferenceOutput
    if training { trainingOutput = .empty } else { inferenceOutput = .empty }
    Self.combine(value: value, advantage: advantage, into: &output)
    if training {
      trainingOutput = output
      hasTrainingForward = true
    } else {
      inferenceOutput = output
    }
    return output
  }

  /// `q[n, a] = v[n] + adv[n, a] − mean_a adv[n, a]`.
  static func combine(value: Tensor, advantage: Tensor, into output: inout Tensor) {
    let rows = advantage.shape[0]
    let actions = advantage.shape[1]
    output.resize(rows, actions)
    value.withUnsafeBufferPointer { v in
      advantage.withUnsafeBufferPointer { adv in
        output.withUnsafeMutableBufferPointer { q in
          for row in 0..<rows {
            var mean: Float = 0
            for a in 0..<actions { mean += adv[row * actions + a] }
            mean /= Float(actions)
            for a in 0..<actions { q[row * actions + a] = v[row] + adv[row * actions + a] - mean }
          }
        }
      }
    }
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    precondition(hasTrainingForward, "DuelingHead.backward called without a training forward")
    hasTrainingForward = false
    let rows = outputGradient.shape[0]
    let actions = actionCount
    valueGradient.resize(rows, 1)
    advantageGradient.resize(rows, actions)
    outputGradient.withUnsafeBufferPointer { dq in
      valueGradient.withUnsafeMutableBufferPointer { dv in
        advantageGradient.withUnsafeMutableBufferPointer { da in
          for row in 0..<rows {
            var sum: Float = 0
            for a in 0..<actions { sum += dq[row * actions + a] }
            dv[row] = sum
            let mean = sum / Float(actions)
            for a in 0..<actions { da[row * actions + a] = dq[row * actions + a] - mean }
          }
        }
      }
    }
    valueStream.computesInputGradient = computesInputGradient
    advantageStream.computesInputGradient = computesInputGradient
    let fromValue = valueStream.backward(valueGradient)
    let fromAdvantage = advantageStream.backward(advantageGradient)
    guard computesInputGradient else { return .empty }
    // Summed into the head's own workspace: `fromValue` is the value stream's buffer, and
    // adding into a shared one would copy it on every update.
    inputGradient.resize(rows, inputSize)
    fromValue.withUnsafeBufferPointer { a in
      fromAdvantage.withUnsafeBufferPointer { b in
        inputGradient.withUnsafeMutableBufferPointer { sum in
          for index in 0..<sum.count { sum[index] = a[index] + b[index] }
        }
      }
    }
    return inputGradient
  }

  public var description: String { "DuelingHead(\(inputSize)→V+A(\(actionCount)))" }
}
