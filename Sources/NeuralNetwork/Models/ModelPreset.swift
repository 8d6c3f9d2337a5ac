import FileIO
import Foundation

/// The book's supervised networks, rebuilt from a `ModelDescription`.
public enum ModelPreset: String, CaseIterable, Codable, Sendable {
  /// Two hidden dense layers of 100 with ReLU (the book's `MultiLayerNet`).
  case mlp
  /// conv 30×5×5 → ReLU → max-pool 2 → dense 100 → ReLU → dense (the book's `SimpleConvNet`).
  case simpleCNN = "simple-cnn"
  /// Six 3×3 convolutions in pairs with max-pooling, dense 50, dropout (the book's `DeepConvNet`).
  case deepCNN = "deep-cnn"

  /// The dropout probability used when none is given.
  public var defaultDropout: Float {
    switch self {
    case .mlp, .simpleCNN: return 0
    case .deepCNN: return 0.25
    }
  }
}

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
      let conv = Conv2D(inputChannels: channels, filters: 30, kernelSize: 5, name: "conv1", using: &rng)
      let pool = MaxPool2D(kernelSize: 2)
      let features = pool.outputShape(for: conv.outputShape(for: inputShape)).reduce(1, *)
      layers = [conv, Activation.relu, pool, Flatten(),
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
          name: "conv\(index + 1)", using: &rng)
        shape = conv.outputShape(for: shape)
        layers += [conv, Activation.relu]
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

/// Saving and loading a supervised model folder: `model.json` + `weights.safetensors`.
public enum ModelStore {
  public static let descriptionFile = "model.json"
  public static let weightsFile = "weights.safetensors"

  /// Writes the description and weights into `directory` (created if needed).
  public static func save(_ network: Sequential, description: ModelDescription, to directory: URL) throws {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw CheckpointError.unwritable(file: directory.path, detail: error.localizedDescription)
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let json = try encoder.encode(description)
    try AtomicFile.write(json, to: directory.appendingPathComponent(descriptionFile))
    try network.save(
      to: directory.appendingPathComponent(weightsFile),
      metadata: ["preset": description.preset.rawValue, "format": description.format])
  }

  /// Rebuilds the network described in `directory` and loads its weights.
  public static func load(from directory: URL) throws -> (network: Sequential, description: ModelDescription) {
    let descriptionURL = directory.appendingPathComponent(descriptionFile)
    guard let data = FileManager.default.contents(atPath: descriptionURL.path) else {
      throw ModelError.notAModel(directory: directory.path, detail: "it has no \(descriptionFile)")
    }
    let description: ModelDescription
    do {
      description = try JSONDecoder().decode(ModelDescription.self, from: data)
    } catch {
      throw ModelError.notAModel(directory: directory.path, detail: "\(descriptionFile) is not a model description (\(error))")
    }
    guard description.inputShape.count == 3, description.inputShape.allSatisfy({ $0 > 0 }), description.classes > 1 else {
      throw ModelError.notAModel(directory: directory.path, detail: "\(descriptionFile) has input shape \(description.inputShape) and \(description.classes) classes")
    }
    let network = description.makeNetwork()
    try network.load(from: directory.appendingPathComponent(weightsFile))
    return (network, description)
  }
}

/// A model folder that cannot be used.
public enum ModelError: Error, CustomStringConvertible, LocalizedError, Equatable {
  case notAModel(directory: String, detail: String)
  case inputMismatch(model: [Int], data: [Int])

  public var description: String {
    switch self {
    case .notAModel(let directory, let detail): return "\(directory) is not a saved model: \(detail)"
    case .inputMismatch(let model, let data):
      return "the model expects images of shape \(model) but the data has \(data)"
    }
  }

  public var errorDescription: String? { description }
}
