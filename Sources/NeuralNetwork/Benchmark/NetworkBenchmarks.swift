import Foundation

/// The networks and steps `dqn bench nn` times: DQN-style updates, batch-1 actions and a supervised step.
public enum NetworkBenchmarks {
  /// MinAtar's Q-network: conv 16×3×3 → ReLU → dense 128 → ReLU → dense `actions`, on `[4, 10, 10]`.
  public static func minatarNetwork(seed: UInt64, actions: Int = 6) -> Sequential {
    var rng = SplitMix64(seed: seed)
    return Sequential([
      Conv2D(inputChannels: 4, filters: 16, kernelSize: 3, activation: .relu, name: "conv1", using: &rng), Flatten(),
      Dense(inputSize: 16 * 8 * 8, outputSize: 128, name: "fc1", using: &rng), Activation.relu,
      Dense(inputSize: 128, outputSize: actions, name: "fc2", using: &rng),
    ], computesInputGradient: false)
  }

  /// The Nature DQN: conv 32×8×8/4, 64×4×4/2, 64×3×3/1, dense 512, dense `actions`, on `[4, 84, 84]`.
  public static func natureNetwork(seed: UInt64, actions: Int = 6) -> Sequential {
    var rng = SplitMix64(seed: seed)
    return Sequential([
      Conv2D(inputChannels: 4, filters: 32, kernelSize: 8, stride: 4, activation: .relu, name: "conv1", using: &rng),
      Conv2D(inputChannels: 32, filters: 64, kernelSize: 4, stride: 2, activation: .relu, name: "conv2", using: &rng),
      Conv2D(inputChannels: 64, filters: 64, kernelSize: 3, stride: 1, activation: .relu, name: "conv3", using: &rng),
      Flatten(), Dense(inputSize: 64 * 7 * 7, outputSize: 512, name: "fc1", using: &rng), Activation.relu,
      Dense(inputSize: 512, outputSize: actions, name: "fc2", using: &rng),
    ], computesInputGradient: false)
  }

  /// Matrix-product FLOPs of one forward of `network` on a batch of `batch` samples of `inputShape`.
  public static func forwardFlops(_ network: Sequential, inputShape: [Int], batch: Int) -> Double {
    forwardFlops(network.layers, inputShape: inputShape, batch: batch)
  }

  /// Matrix-product FLOPs of running `layers` one after another.
  static func forwardFlops(_ layers: [Layer], inputShape: [Int], batch: Int) -> Double {
    var shape = inputShape
    var total = 0.0
    for layer in layers {
      let next = layer.outputShape(for: shape)
      if let conv = layer as? Conv2D {
        total += 2 * Double(batch * next[1] * next[2]) * Double(conv.filters) * Double(conv.inputChannels * conv.kernelHeight * conv.kernelWidth)
      } else if let dense = layer as? Dense {
        total += 2 * Double(batch) * Double(dense.inputSize * dense.outputSize)
      }
      shape = next
    }
    return total
  }

  /// Times one DQN update: online forward, a no-gradient forward of a target copy, masked Huber on
  /// one output per row, backward and an Adam step.
  public static func dqnUpdate(name: String, network: Sequential, target: Sequential, inputShape: [Int], batchSize: Int = 32, runs: Int, warmup: Int) -> BenchmarkFigure {
    var rng = SplitMix64(seed: 11)
    func randomBatch() -> Tensor {
      var tensor = Tensor(shape: [batchSize] + inputShape)
      tensor.withUnsafeMutableBufferPointer { for i in 0..<$0.count { $0[i] = rng.nextUniform() } }
      return tensor
    }
    let observations = randomBatch()
    let nextObservations = randomBatch()
    let actionCount = network.outputShape(for: inputShape)[0]
    let actions = (0..<batchSize).map { _ in rng.nextInt(below: actionCount) }
    let rewards = (0..<batchSize).map { _ in rng.nextUniform() }
    var targets = [Float](repeating: 0, count: batchSize)
    let loss = HuberLoss()
    var optimizer = Adam(learningRate: 1e-4)
    let parameters = network.parameters
    target.copyParameters(from: network)
    let timing = TimingStatistics.measure(warmup: warmup, runs: runs) {
      let nextQ = target(nextObservations)
      nextQ.withUnsafeBufferPointer { q in
        for row in 0..<batchSize {
          var best = -Float.infinity
          for a in 0..<actionCount { best = max(best, q[row * actionCount + a]) }
          targets[row] = rewards[row] + 0.99 * best
        }
      }
      for parameter in parameters { parameter.zeroGradient() }
      let q = network.forward(observations, training: true)
      _ = loss.forward(q, actions: actions, targets: targets)
      _ = network.backward(loss.backward())
      optimizer.update(parameters)
    }
    let forward = forwardFlops(network, inputShape: inputShape, batch: batchSize)
    // Target forward + online forward + backward (weight gradients ≈ forward; input gradients ≈
    // forward minus the first layer's, which is skipped).
    let firstLayer = forwardFlops([network.layers[0]], inputShape: inputShape, batch: batchSize)
    return BenchmarkFigure(name: name, timing: timing, flops: 4 * forward - firstLayer)
  }

  /// Times a batch-1 forward plus argmax.
  public static func act(name: String, network: Sequential, inputShape: [Int], runs: Int, warmup: Int) -> BenchmarkFigure {
    var rng = SplitMix64(seed: 12)
    var observation = Tensor(shape: [1] + inputShape)
    observation.withUnsafeMutableBufferPointer { for i in 0..<$0.count { $0[i] = rng.nextUniform() } }
    var sink = 0
    let timing = TimingStatistics.measure(warmup: warmup, runs: runs) {
      sink &+= network(observation).argmax(row: 0)
    }
    _ = sink
    return BenchmarkFigure(name: name, timing: timing, flops: forwardFlops(network, inputShape: inputShape, batch: 1))
  }

  /// Times one training step of simple-cnn at batch 100 on `[1, 28, 28]`.
  public static func supervisedStep(runs: Int, warmup: Int) -> BenchmarkFigure {
    let description = ModelDescription(preset: .simpleCNN, inputShape: [1, 28, 28], classes: 10, seed: 3)
    let network = description.makeNetwork()
    let trainer = SupervisedTrainer(network: network, optimizer: Adam(learningRate: 1e-3), batchSize: 100, seed: 3)
    var rng = SplitMix64(seed: 13)
    var images = Tensor(shape: [100, 1, 28, 28])
    images.withUnsafeMutableBufferPointer { for i in 0..<$0.count { $0[i] = rng.nextUniform() } }
    let labels = (0..<100).map { _ in rng.nextInt(below: 10) }
    let timing = TimingStatistics.measure(warmup: warmup, runs: runs) { trainer.step(images, labels: labels) }
    let forward = forwardFlops(network, inputShape: [1, 28, 28], batch: 100)
    let firstLayer = forwardFlops([network.layers[0]], inputShape: [1, 28, 28], batch: 100)
    return BenchmarkFigure(name: "supervised-simple-cnn", timing: timing, flops: 3 * forward - firstLayer)
  }

  /// The names of the figures `all` measures, in order.
  public static let figureNames = [
    "dqn-update-minatar", "dqn-update-nature", "act-minatar", "act-nature", "supervised-simple-cnn",
  ]

  /// The figures of `dqn bench nn` named in `only` (all five when it is nil), in `figureNames`'s
  /// order; `scale` multiplies the run counts.
  public static func all(scale: Double = 1, only: Set<String>? = nil, progress: (BenchmarkFigure) -> Void = { _ in }) -> [BenchmarkFigure] {
    func runs(_ base: Int) -> Int { max(3, Int(Double(base) * scale)) }
    var figures: [BenchmarkFigure] = []
    func record(_ name: String, _ measure: (String) -> BenchmarkFigure) {
      guard only?.contains(name) ?? true else { return }
      let figure = measure(name)
      figures.append(figure)
      progress(figure)
    }
    record("dqn-update-minatar") { dqnUpdate(name: $0, network: minatarNetwork(seed: 1), target: minatarNetwork(seed: 2), inputShape: [4, 10, 10], runs: runs(300), warmup: 30) }
    record("dqn-update-nature") { dqnUpdate(name: $0, network: natureNetwork(seed: 1), target: natureNetwork(seed: 2), inputShape: [4, 84, 84], runs: runs(30), warmup: 5) }
    record("act-minatar") { act(name: $0, network: minatarNetwork(seed: 1), inputShape: [4, 10, 10], runs: runs(2000), warmup: 100) }
    record("act-nature") { act(name: $0, network: natureNetwork(seed: 1), inputShape: [4, 84, 84], runs: runs(200), warmup: 20) }
    record("supervised-simple-cnn") { _ in supervisedStep(runs: runs(40), warmup: 5) }
    return figures
  }
}
