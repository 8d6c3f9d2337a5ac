import NeuralNetwork

/// Builds Q-networks from a preset's `network` and `dueling` switches, with He initialisation.
///
/// Layer names are stable (`conv1`, `fc1`, …, or `value1`/`advantage1` in a dueling head): they
/// are the safetensors keys, and target networks copy parameters by them.
public enum QNetworkBuilder {
  /// A Q-network for observations `[channels, height, width]` with `actionCount` outputs.
  ///
  /// - Throws: `NetworkShapeError` when the observation is too small for the network's kernels.
  public static func make(
    _ kind: NetworkKind, dueling: Bool, inputShape: [Int], actionCount: Int, seed: UInt64
  ) throws(NetworkShapeError) -> Sequential {
    precondition(inputShape.count == 3 && actionCount > 0, "Q-network needs [C, H, W] and actions, got \(inputShape), \(actionCount)")
    var rng = SplitMix64(seed: seed)
    let (channels, height, width) = (inputShape[0], inputShape[1], inputShape[2])
    var layers: [Layer] = []
    var features: Int
    let hidden: Int
    switch kind {
    case .small:
      layers = [Flatten()]
      features = channels * height * width
      layers += [Dense(inputSize: features, outputSize: 64, name: "fc1", using: &rng), Activation.relu]
      features = 64
      hidden = 64
      if !dueling {
        layers += [Dense(inputSize: 64, outputSize: 64, name: "fc2", using: &rng), Activation.relu]
      }
    case .minatarLayerNorm:
      guard height >= 3 && width >= 3 else {
        throw NetworkShapeError(network: kind, inputShape: inputShape, needs: "at least 3×3 frames")
      }
      layers = [
        Conv2D(inputChannels: channels, filters: 16, kernelSize: 3, name: "conv1", using: &rng),
        LayerNorm(features: 16, name: "norm1"), Activation.relu, Flatten(),
      ]
      features = 16 * (height - 2) * (width - 2)
      hidden = 128
      if !dueling {
        layers += [
          Dense(inputSize: features, outputSize: 128, name: "fc1", using: &rng), LayerNorm(features: 128, name: "norm2"),
          Activation.relu,
        ]
        features = 128
      }
    case .minatar:
      guard height >= 3 && width >= 3 else {
        throw NetworkShapeError(network: kind, inputShape: inputShape, needs: "at least 3×3 frames")
      }
      layers = [
        Conv2D(inputChannels: channels, filters: 16, kernelSize: 3, activation: .relu, name: "conv1", using: &rng),
        Flatten(),
      ]
      features = 16 * (height - 2) * (width - 2)
      hidden = 128
      if !dueling {
        layers += [Dense(inputSize: features, outputSize: 128, name: "fc1", using: &rng), Activation.relu]
        features = 128
      }
    case .nature:
      let h1 = (height - 8) / 4 + 1, w1 = (width - 8) / 4 + 1
      let h2 = (h1 - 4) / 2 + 1, w2 = (w1 - 4) / 2 + 1
      let h3 = h2 - 2, w3 = w2 - 2
      guard height >= 8, width >= 8, h1 >= 4, w1 >= 4, h3 >= 1, w3 >= 1 else {
        throw NetworkShapeError(network: kind, inputShape: inputShape, needs: "frames of at least 36×36 (84×84 is usual)")
      }
      layers = [
        Conv2D(inputChannels: channels, filters: 32, kernelSize: 8, stride: 4, activation: .relu, name: "conv1", using: &rng),
        Conv2D(inputChannels: 32, filters: 64, kernelSize: 4, stride: 2, activation: .relu, name: "conv2", using: &rng),
        Conv2D(inputChannels: 64, filters: 64, kernelSize: 3, stride: 1, activation: .relu, name: "conv3", using: &rng),
        Flatten(),
      ]
      features = 64 * h3 * w3
      hidden = 512
      if !dueling {
        layers += [Dense(inputSize: features, outputSize: 512, name: "fc1", using: &rng), Activation.relu]
        features = 512
      }
    }
    if dueling {
      layers.append(DuelingHead(inputSize: features, hiddenSize: hidden, actionCount: actionCount, using: &rng))
    } else {
      let name = kind == .small ? "fc3" : "fc2"
      layers.append(Dense(inputSize: features, outputSize: actionCount, name: name, using: &rng))
    }
    return Sequential(layers, computesInputGradient: false)
  }
}
