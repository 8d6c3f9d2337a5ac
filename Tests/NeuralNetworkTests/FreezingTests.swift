import Foundation
import Testing

@testable import NeuralNetwork

/// `--freeze`: optimizers never touch frozen parameters, backward skips a frozen prefix, and the
/// trained parameters get exactly the gradients they would get without freezing.
@Suite struct FreezingTests {
  static func network(_ preset: ModelPreset = .simpleCNN, seed: UInt64 = 5) -> Sequential {
    ModelDescription(preset: preset, inputShape: [1, 8, 8], classes: 10, seed: seed).makeNetwork()
  }

  static func batch() throws -> (Tensor, [Int]) {
    let data = try Dataset.load(datasetPath("digits/digits.csv.gz")).subset(Array(0..<40))
    return (data.images, data.labels)
  }

  /// One forward and backward of softmax cross-entropy; returns every parameter's gradient.
  static func gradients(_ network: Sequential, _ images: Tensor, _ labels: [Int]) -> [String: Tensor] {
    network.zeroGradients()
    let loss = SoftmaxCrossEntropy()
    _ = loss.forward(network.forward(images, training: true), labels: labels)
    _ = network.backward(loss.backward())
    return Dictionary(uniqueKeysWithValues: network.parameters.map { ($0.name, $0.gradient) })
  }

  @Test(arguments: OptimizerKind.allCases)
  func frozenParametersStayBitIdenticalWhileTheOthersTrain(kind: OptimizerKind) throws {
    let (images, labels) = try Self.batch()
    let network = Self.network()
    network.freeze(layers: ["conv1", "fc2"])
    let before = network.namedTensors
    let trainer = SupervisedTrainer(
      network: network, optimizer: kind.make(learningRate: 0.01, weightDecay: 0.01), batchSize: 20, seed: 1)
    for _ in 0..<3 { trainer.step(images, labels: labels) }
    let after = network.namedTensors
    for name in ["conv1.weight", "conv1.bias", "fc2.weight", "fc2.bias"] {
      #expect(after[name]!.scalars.map(\.bitPattern) == before[name]!.scalars.map(\.bitPattern), "\(name)")
    }
    for name in ["fc1.weight", "fc1.bias"] { #expect(after[name] != before[name], "\(name) did not train") }
    // No moment buffers for frozen parameters.
    let state = trainer.optimizer.state.keys
    #expect(!state.contains { $0.hasPrefix("conv1.") || $0.hasPrefix("fc2.") })
    if kind != .sgd { #expect(state.contains { $0.hasPrefix("fc1.weight.") }) }
  }

  /// A frozen prefix gets no backward at all (its gradients stay zero), and the layers after it
  /// get exactly the gradients of the unfrozen network.
  @Test func backwardSkipsTheFrozenPrefix() throws {
    let (images, labels) = try Self.batch()
    let plain = Self.network()
    let frozen = Self.network()
    frozen.freeze(layers: ["conv1"])
    // conv1, pool, flatten hold no trained parameter; fc1 is the first that trains.
    #expect(frozen.frozenPrefixCount == 3)
    #expect(frozen.layers[3].computesInputGradient == false)
    #expect(frozen.layers[0].computesInputGradient == true)
    let expected = Self.gradients(plain, images, labels)
    let got = Self.gradients(frozen, images, labels)
    for name in ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"] { #expect(got[name] == expected[name], "\(name)") }
    #expect(got["conv1.weight"]!.scalars.allSatisfy { $0 == 0 })
    #expect(expected["conv1.weight"]!.scalars.contains { $0 != 0 })
  }

  /// A frozen layer between trained ones still passes the gradient through to them.
  @Test func aFrozenLayerInTheMiddlePassesTheGradientOn() throws {
    let (images, labels) = try Self.batch()
    let plain = Self.network()
    let frozen = Self.network()
    frozen.freeze(layers: ["fc1"])
    #expect(frozen.frozenPrefixCount == 0)
    let expected = Self.gradients(plain, images, labels)
    let got = Self.gradients(frozen, images, labels)
    for name in ["conv1.weight", "conv1.bias", "fc2.weight", "fc2.bias"] { #expect(got[name] == expected[name], "\(name)") }
  }

  /// Unfreezing restores the flags the network was built with, and training then equals an
  /// untouched network's.
  @Test func freezingNothingRestoresTheNetwork() throws {
    let (images, labels) = try Self.batch()
    let network = Self.network()
    let flags = network.layers.map(\.computesInputGradient)
    network.freeze(layers: ["conv1"])
    network.freeze(layers: [])
    #expect(network.frozenPrefixCount == 0)
    #expect(network.layers.map(\.computesInputGradient) == flags)
    #expect(network.parameters.allSatisfy { !$0.isFrozen })
    #expect(Self.gradients(network, images, labels) == Self.gradients(Self.network(), images, labels))
  }

  @Test func clippingLeavesFrozenGradientsOut() {
    let frozen = Parameter(name: "a.weight", value: Tensor(shape: [1]))
    let trained = Parameter(name: "b.weight", value: Tensor(shape: [1]))
    frozen.isFrozen = true
    frozen.gradient = Tensor(shape: [1], scalars: [30])
    trained.gradient = Tensor(shape: [1], scalars: [4])
    #expect(clipGradientNorm([frozen, trained], maxNorm: 2) == 4)
    #expect(frozen.gradient.scalars == [30])
    #expect(abs(trained.gradient.scalars[0] - 2) < 1e-5)
  }

  @Test func layerNamesComeFromTheSavedNames() {
    #expect(Parameter(name: "conv1.weight", value: Tensor(shape: [1])).layerName == "conv1")
    #expect(Parameter(name: "bn1.running_mean", value: Tensor(shape: [1])).layerName == "bn1")
    #expect(Self.network().layerNames == ["conv1", "fc1", "fc2"])
    #expect(Self.network().torsoLayerNames == ["conv1"])
    #expect(Self.network(.mlp).torsoLayerNames.isEmpty)
  }
}
