import Foundation
import GridGames
import NeuralNetwork

extension DQNAgentBuilder {
  /// What an agent of `preset` for these observations will hold in memory, without allocating
  /// any of it: the replay (frames, per-slot fields, priorities), the online and target networks
  /// with the gradients and optimizer moments, a batch's observations and activations, and the
  /// evaluation's returns.
  public static func memoryEstimate(
    preset: AgentPreset, frameShape: FrameShape, stackDepth: Int, actionCount: Int
  ) -> MemoryEstimate {
    let frame = Double(frameShape.height) * Double(frameShape.width) * Double(frameShape.channels)
    let observation = frame * Double(stackDepth)
    let buffer = Double(preset.bufferSize)
    let batch = Double(preset.batchSize)
    var estimate = MemoryEstimate()
    estimate.add("replay of \(preset.bufferSize) frames", bytes: buffer * (frame + 9) + (preset.prioritized ? buffer * 16 : 0))
    let sizes = QNetworkBuilder.sizes(
      preset.network, dueling: preset.dueling,
      inputShape: [Double(stackDepth * frameShape.channels), Double(frameShape.height), Double(frameShape.width)],
      actionCount: Double(actionCount))
    // Two networks, and for the online one a gradient and two optimizer moments: five copies.
    estimate.add("two networks of \(Self.count(sizes.parameters)) parameters with gradients and optimizer state", bytes: sizes.parameters * 4 * 5)
    // Observations and next observations, then per network pass the layer outputs, their
    // gradients and caches (about three copies, three passes with Double DQN).
    estimate.add(
      "a batch of \(preset.batchSize)", bytes: batch * (observation * 2 * 4 + sizes.activations * 4 * 9))
    estimate.add("\(preset.evalEpisodes) evaluation episodes", bytes: Double(preset.evalEpisodes) * 8)
    return estimate
  }

  private static func count(_ value: Double) -> String {
    value < 1e6 ? String(Int(value)) : String(format: "%.3g", value)
  }
}

extension QNetworkBuilder {
  /// The parameter count and the floats of all layer outputs for one sample, in floating point
  /// (large shapes cannot overflow); a shape too small for the kernels counts its dense part only.
  static func sizes(
    _ kind: NetworkKind, dueling: Bool, inputShape: [Double], actionCount: Double
  ) -> (parameters: Double, activations: Double) {
    let (channels, height, width) = (inputShape[0], inputShape[1], inputShape[2])
    var parameters = 0.0
    var activations = 0.0
    var features: Double
    let hidden: Double
    func conv(_ inputs: Double, _ filters: Double, _ kernel: Double, _ outputPixels: Double) {
      parameters += filters * (inputs * kernel * kernel + 1)
      activations += filters * max(outputPixels, 0)
    }
    switch kind {
    case .small:
      features = channels * height * width
      hidden = 64
      parameters += features * 64 + 64
      activations += 64
      features = 64
      if !dueling {
        parameters += 64 * 64 + 64
        activations += 64
      }
    case .minatar, .minatarLayerNorm:
      let pixels = max(height - 2, 1) * max(width - 2, 1)
      conv(channels, 16, 3, pixels)
      // minatar-layernorm: a LayerNorm (gain and shift) over the 16 channels, and over the 128
      // features of the dense layer when there is one before the head.
      let normalised = kind == .minatarLayerNorm
      if normalised { parameters += 2 * 16 }
      features = 16 * pixels
      hidden = 128
      if !dueling {
        parameters += features * 128 + 128
        if normalised { parameters += 2 * 128 }
        activations += 128
        features = 128
      }
    case .nature:
      let h1 = ((height - 8) / 4).rounded(.down) + 1, w1 = ((width - 8) / 4).rounded(.down) + 1
      let h2 = ((h1 - 4) / 2).rounded(.down) + 1, w2 = ((w1 - 4) / 2).rounded(.down) + 1
      let h3 = max(h2 - 2, 1), w3 = max(w2 - 2, 1)
      conv(channels, 32, 8, h1 * w1)
      conv(32, 64, 4, h2 * w2)
      conv(64, 64, 3, h3 * w3)
      features = 64 * h3 * w3
      hidden = 512
      if !dueling {
        parameters += features * 512 + 512
        activations += 512
        features = 512
      }
    }
    if dueling {
      parameters += 2 * (features * hidden + hidden) + (hidden + 1) + hidden * actionCount + actionCount
      activations += 2 * hidden + 1 + 2 * actionCount
    } else {
      parameters += features * actionCount + actionCount
      activations += actionCount
    }
    return (parameters, activations)
  }
}
