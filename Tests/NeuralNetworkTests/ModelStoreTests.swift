import Foundation
import Testing

@testable import NeuralNetwork

/// A model folder saved at commit 4cdf2ed, before convolutions took their ReLU explicitly (then
/// `Sequential` folded a separate ReLU layer into the convolution before it), by
/// `dqn supervised train --data digits.csv.gz --model simple-cnn --epochs 3 --seed 1`.
private let savedSimpleCNN = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .appendingPathComponent("Fixtures/simple-cnn-digits")

@Suite struct ModelStoreTests {
  @Test(arguments: ModelPreset.allCases)
  func modelsSaveAndLoadExactly(preset: ModelPreset) throws {
    let description = ModelDescription(preset: preset, inputShape: [1, 8, 8], classes: 10, seed: 4)
    let network = description.makeNetwork()
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("model-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    try ModelStore.save(network, description: description, to: directory)
    let (loaded, loadedDescription) = try ModelStore.load(from: directory)
    #expect(loadedDescription == description)
    #expect(loaded.namedTensors == network.namedTensors)
    let input = Tensor(shape: [2, 1, 8, 8], repeating: 0.3)
    #expect(loaded(input) == network(input))
  }

  @Test func aModelFolderOfAnotherPresetIsRejected() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("model-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let description = ModelDescription(preset: .mlp, inputShape: [1, 8, 8], classes: 10, seed: 4)
    try ModelStore.save(description.makeNetwork(), description: description, to: directory)
    // Claim it is a simple-cnn: the weights no longer fit.
    var edited = description
    edited.preset = .simpleCNN
    try JSONEncoder().encode(edited).write(to: directory.appendingPathComponent("model.json"))
    #expect(throws: CheckpointError.self) { try ModelStore.load(from: directory) }
    try FileManager.default.removeItem(at: directory.appendingPathComponent("model.json"))
    #expect { try ModelStore.load(from: directory) } throws: { "\($0)".contains("is not a saved model") }
  }

  /// A model saved before the redesign loads and classifies every digit exactly as it did then:
  /// `dqn supervised eval` printed this confusion matrix (accuracy 0.7769) at the commit that saved it.
  @Test func aModelSavedByAnEarlierVersionGivesTheSameFigures() throws {
    let (network, description) = try ModelStore.load(from: savedSimpleCNN)
    #expect(description.preset == .simpleCNN)
    let data = try Dataset.load(datasetPath("digits/digits.csv.gz"))
    let (accuracy, confusion) = Classifier.evaluate(network, on: data)
    #expect(confusion == [
      [176, 0, 0, 0, 1, 0, 1, 0, 0, 0],
      [0, 140, 6, 9, 0, 2, 2, 1, 11, 11],
      [0, 7, 134, 9, 0, 0, 3, 23, 1, 0],
      [0, 4, 1, 155, 0, 0, 0, 4, 4, 15],
      [6, 7, 0, 0, 126, 2, 0, 25, 13, 2],
      [4, 6, 0, 2, 1, 132, 7, 0, 3, 27],
      [14, 0, 0, 0, 3, 1, 162, 0, 1, 0],
      [0, 0, 0, 6, 3, 0, 1, 151, 10, 8],
      [0, 30, 1, 50, 0, 1, 1, 9, 76, 6],
      [0, 9, 0, 12, 0, 0, 0, 11, 4, 144],
    ])
    #expect(String(format: "%.4f", accuracy) == "0.7769")
  }

  /// The presets describe each convolution with its ReLU as one layer, so no ReLU layer follows a
  /// Conv2D and every convolution applies its own.
  @Test(arguments: [ModelPreset.simpleCNN, .deepCNN])
  func presetConvolutionsCarryTheirReLU(preset: ModelPreset) {
    let network = ModelDescription(preset: preset, inputShape: [1, 28, 28], classes: 10).makeNetwork()
    let convolutions = network.layers.compactMap { $0 as? Conv2D }
    #expect(!convolutions.isEmpty)
    #expect(convolutions.allSatisfy { $0.activation == .relu })
    for (layer, next) in zip(network.layers, network.layers.dropFirst()) where layer is Conv2D {
      #expect(!(next is Activation), "\(layer) is followed by \(next)")
    }
  }
}
