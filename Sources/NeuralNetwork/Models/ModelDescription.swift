/// Everything needed to rebuild a supervised model; saved as `model.json` beside its weights.
public struct ModelDescription: Codable, Sendable, Equatable {
  public var format = "dqn-supervised-model"
  public var version = 1
  public var preset: ModelPreset
  /// Per-sample input shape `[C, H, W]`.
  public var inputShape: [Int]
  public var classes: Int
  public var dropout: Float
  public var seed: UInt64

  public init(preset: ModelPreset, inputShape: [Int], classes: Int, dropout: Float? = nil, seed: UInt64 = 0) {
    self.preset = preset
    self.inputShape = inputShape
    self.classes = classes
    self.dropout = dropout ?? preset.defaultDropout
    self.seed = seed
  }

  /// Builds the network with fresh He-initialised weights drawn from `seed`.
  public func makeNetwork() -> Sequential {
    var rng = SplitMix64(seed: seed)
    let (channels, height, width) = (inputShape[0], inputShape[1], inputShape[2])
    var layers: [Layer] = []
    func dropoutLayer(_ index: Int) {
      if dropout > 0 { layers.append(Dropout(probability: dropout, seed: seed &+ UInt64(index))) }
    }
    switch preset {
    case .mlp:
      layers = [
        Flatten(),
        Dense(inputSize: channels * height * width, outputSize: 100, name: "fc1", using: &rng), Activation.relu,
      ]
      dropoutLayer(1)
      layers += [Dense(inputSize: 100, outputSize: 100, name: "fc2", using: &rng), Activation.relu]
      dropoutLayer(2)
      layers.append(Dense(inputSize: 100, outputSize: classes, name: "fc3", using: &rng))
    case .simpleCNN:
      let conv = Conv2D(
        inputChannels: channels, filters: 30, kernelSize: 5, activation: .relu, name: "conv1", using: &rng)
      let pool = MaxPool2D(kernelSize: 2)
      let features = pool.outputShape(for: conv.outputShape(for: inputShape)).reduce(1, *)
      layers = [conv, pool, Flatten(),
                Dense(inputSize: features, outputSize: 100, name: "fc1", using: &rng), Activation.relu]
      dropoutLayer(1)
      layers.append(Dense(inputSize: 100, outputSize: classes, name: "fc2", using: &rng))
    case .deepCNN:
      let specification: [(filters: Int, padding: Int)] = [(16, 1), (16, 1), (32, 1), (32, 2), (64, 1), (64, 1)]
      var shape = inputShape
      var inputChannels = channels
      for (index, spec) in specification.enumerated() {
        let conv = Conv2D(
          inputChannels: inputChannels, filters: spec.filters, kernelSize: 3, padding: spec.padding,
          activation: .relu, name: "conv\(index + 1)", using: &rng)
        shape = conv.outputShape(for: shape)
        layers.append(conv)
        inputChannels = spec.filters
        if index % 2 == 1 {
          let pool = MaxPool2D(kernelSize: 2)
          shape = pool.outputShape(for: shape)
          layers.append(pool)
        }
      }
      layers += [Flatten(), Dense(inputSize: shape.reduce(1, *), outputSize: 50, name: "fc1", using: &rng), Activation.relu]
      dropoutLayer(1)
      layers.append(Dense(inputSize: 50, outputSize: classes, name: "fc2", using: &rng))
    }
    return Sequential(layers, computesInputGradient: false)
  }
}
