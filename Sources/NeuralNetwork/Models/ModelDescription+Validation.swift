import Foundation

extension ModelDescription {
  /// The largest image side, channel count and class count a description may have.
  public static let maximumSide = 4096
  public static let maximumChannels = 4096
  public static let maximumClasses = 1024

  /// What is wrong with the description (sizes out of range, an image too small for the
  /// network's kernels, dropout outside [0, 1)), or nil when `makeNetwork()` can build it.
  public var problem: String? {
    guard format == "dqn-supervised-model" else { return "format is '\(format)', expected 'dqn-supervised-model'" }
    guard version == 1 else { return "version \(version) is not supported (this dqn reads version 1)" }
    guard inputShape.count == 3 else { return "inputShape must be [channels, height, width], got \(inputShape)" }
    guard (1...Self.maximumChannels).contains(inputShape[0]) else {
      return "inputShape channels must be in 1...\(Self.maximumChannels), got \(inputShape[0])"
    }
    guard inputShape.dropFirst().allSatisfy({ (1...Self.maximumSide).contains($0) }) else {
      return "inputShape height and width must be in 1...\(Self.maximumSide), got \(inputShape)"
    }
    guard (2...Self.maximumClasses).contains(classes) else {
      return "classes must be in 2...\(Self.maximumClasses), got \(classes)"
    }
    guard dropout.isFinite, (0..<1).contains(dropout) else { return "dropout must be in [0, 1), got \(dropout)" }
    guard featureShape != nil else {
      return "\(preset.rawValue) needs images of at least \(preset.minimumSide)×\(preset.minimumSide), got \(inputShape[1])×\(inputShape[2])"
    }
    return nil
  }

  /// The shape the convolutions hand to the dense layers (the input itself for mlp), or nil when
  /// a side shrinks below 1.
  var featureShape: [Int]? {
    let (channels, height, width) = (inputShape[0], inputShape[1], inputShape[2])
    switch preset {
    case .mlp:
      return inputShape
    case .simpleCNN:
      // conv 5×5 (no padding), then max-pool 2.
      let (h, w) = ((height - 4) / 2, (width - 4) / 2)
      return height >= 5 && width >= 5 && h >= 1 && w >= 1 ? [30, h, w] : nil
    case .deepCNN:
      var (h, w, c) = (height, width, channels)
      for (index, spec) in Self.deepSpecification.enumerated() {
        (h, w, c) = (h + 2 * spec.padding - 2, w + 2 * spec.padding - 2, spec.filters)
        if index % 2 == 1 { (h, w) = (h / 2, w / 2) }
        if h < 1 || w < 1 { return nil }
      }
      return [c, h, w]
    }
  }

  /// deep-cnn's convolutions (3×3): filters and padding.
  static let deepSpecification: [(filters: Int, padding: Int)] = [(16, 1), (16, 1), (32, 1), (32, 2), (64, 1), (64, 1)]

  /// The number of trainable parameters (weights and biases) of a valid description.
  public var parameterCount: Int {
    guard let features = featureShape?.reduce(1, *) else { return 0 }
    func dense(_ inputs: Int, _ outputs: Int) -> Int { inputs * outputs + outputs }
    switch preset {
    case .mlp:
      return dense(features, 100) + dense(100, 100) + dense(100, classes)
    case .simpleCNN:
      return 30 * inputShape[0] * 25 + 30 + dense(features, 100) + dense(100, classes)
    case .deepCNN:
      var total = 0
      var inputs = inputShape[0]
      for spec in Self.deepSpecification {
        total += spec.filters * inputs * 9 + spec.filters
        inputs = spec.filters
      }
      return total + dense(features, 50) + dense(50, classes)
    }
  }

  /// The memory training this model takes with `batchSize` images: parameters with their
  /// gradients and two optimizer moments, and a batch's activations (about ten copies of the
  /// largest layer output).
  public func trainingMemory(batchSize: Int) -> MemoryEstimate {
    var estimate = MemoryEstimate()
    estimate.add("parameters, gradients and optimizer moments", count: parameterCount, bytesEach: 16)
    let largest = max(inputShape.reduce(1, *), (featureShape ?? inputShape).reduce(1, *) * 4, 100)
    let (activations, overflow) = largest.multipliedReportingOverflow(by: max(batchSize, 1))
    estimate.add("activations of a batch of \(batchSize)", count: overflow ? Int.max / 40 : activations, bytesEach: 40)
    return estimate
  }

  /// Decodes and checks `model.json`'s bytes; `file` names it in errors.
  public static func decode(_ data: Data, file: String) throws(ModelError) -> ModelDescription {
    let description: ModelDescription
    do {
      description = try JSONDecoder().decode(ModelDescription.self, from: data)
    } catch {
      throw .invalidDescription(file: file, detail: "not a model description (\(error))")
    }
    if let problem = description.problem { throw .invalidDescription(file: file, detail: problem) }
    return description
  }
}

extension ModelPreset {
  /// The smallest image side the preset's kernels and pooling leave at least one pixel of.
  public var minimumSide: Int {
    (1...64).first { ModelDescription(preset: self, inputShape: [1, $0, $0], classes: 2).featureShape != nil } ?? 64
  }
}
