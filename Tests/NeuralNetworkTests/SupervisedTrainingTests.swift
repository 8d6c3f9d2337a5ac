import Foundation
import Testing

@testable import NeuralNetwork

@Suite struct SupervisedTrainingTests {
  /// simple-cnn on the 8×8 UCI digits reaches high held-out accuracy in a few epochs.
  @Test func simpleCNNLearnsDigits() throws {
    let data = try Dataset.load(datasetPath("digits/digits.csv.gz"))
    var rng = SplitMix64(seed: 3)
    let (train, validation) = data.split(validationFraction: 0.2, using: &rng)
    let description = ModelDescription(preset: .simpleCNN, inputShape: train.sampleShape, classes: 10, seed: 3)
    let trainer = SupervisedTrainer(network: description.makeNetwork(), optimizer: Adam(learningRate: 0.003), batchSize: 50, seed: 3)
    var report: EpochReport?
    for epoch in 1...8 { report = trainer.trainEpoch(train, epoch: epoch, validation: validation) }
    #expect((report?.validationAccuracy ?? 0) > 0.93)
  }

  @Test func cosineScheduleRunsFromTheBaseRateToFivePercent() {
    #expect(LearningRateSchedule.cosine.rate(base: 0.1, epoch: 1, epochs: 11) == 0.1)
    #expect(abs(LearningRateSchedule.cosine.rate(base: 0.1, epoch: 6, epochs: 11) - 0.0525) < 1e-6)
    #expect(abs(LearningRateSchedule.cosine.rate(base: 0.1, epoch: 11, epochs: 11) - 0.005) < 1e-6)
    #expect(LearningRateSchedule.constant.rate(base: 0.1, epoch: 7, epochs: 11) == 0.1)
  }

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

  @Test func randomSearchRanksTrialsOnValidation() throws {
    let data = try Dataset.load(datasetPath("digits/digits.csv.gz"))
    var rng = SplitMix64(seed: 5)
    let (train, validation) = data.split(validationFraction: 0.2, using: &rng)
    let search = RandomSearch(learningRateRange: 1e-5...1e-2, trials: 3, epochs: 1, preset: .mlp, seed: 5)
    let ranked = search.run(train: train, validation: validation)
    #expect(ranked.count == 3)
    #expect(zip(ranked, ranked.dropFirst()).allSatisfy { $0.validationAccuracy >= $1.validationAccuracy })
    #expect(ranked.allSatisfy { (1e-5...1e-2).contains($0.learningRate) && (1e-8...1e-3).contains($0.weightDecay) })
  }
}
