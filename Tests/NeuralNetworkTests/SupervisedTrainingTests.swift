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

  /// `train` sets each epoch's rate from the schedule before the epoch, reports every epoch as it
  /// ends, and trains exactly as calling `trainEpoch` by hand with those rates does.
  @Test func trainRunsTheScheduleOverTheEpochs() throws {
    let data = try Dataset.load(datasetPath("digits/digits.csv.gz")).subset(Array(0..<300))
    let (train, validation) = (data.subset(Array(0..<250)), data.subset(Array(250..<300)))
    func makeTrainer() -> SupervisedTrainer {
      let description = ModelDescription(preset: .simpleCNN, inputShape: [1, 8, 8], classes: 10, seed: 6)
      return SupervisedTrainer(
        network: description.makeNetwork(), optimizer: Adam(learningRate: 0.004), batchSize: 40,
        augmentation: .digits, seed: 6)
    }
    let trainer = makeTrainer()
    var seen: [(epoch: Int, rate: Float)] = []
    let reports = trainer.train(train, epochs: 3, schedule: .cosine, validation: validation) { report in
      seen.append((report.epoch, trainer.optimizer.learningRate))
    }
    let rates = (1...3).map { LearningRateSchedule.cosine.rate(base: 0.004, epoch: $0, epochs: 3) }
    #expect(reports.map(\.epoch) == [1, 2, 3])
    #expect(seen.map(\.epoch) == [1, 2, 3])
    #expect(seen.map(\.rate) == rates)
    #expect(reports.map(\.learningRate) == rates)
    #expect(reports.allSatisfy { $0.validationAccuracy != nil })
    #expect(trainer.optimizer.learningRate == 0.004)

    let byHand = makeTrainer()
    var handReports: [EpochReport] = []
    for (index, rate) in rates.enumerated() {
      byHand.optimizer.learningRate = rate
      handReports.append(byHand.trainEpoch(train, epoch: index + 1, validation: validation))
    }
    #expect(reports.map(\.loss) == handReports.map(\.loss))
    #expect(reports.map(\.validationAccuracy) == handReports.map(\.validationAccuracy))
    #expect(trainer.network.namedTensors == byHand.network.namedTensors)
  }

  @Test func cosineScheduleRunsFromTheBaseRateToFivePercent() {
    #expect(LearningRateSchedule.cosine.rate(base: 0.1, epoch: 1, epochs: 11) == 0.1)
    #expect(abs(LearningRateSchedule.cosine.rate(base: 0.1, epoch: 6, epochs: 11) - 0.0525) < 1e-6)
    #expect(abs(LearningRateSchedule.cosine.rate(base: 0.1, epoch: 11, epochs: 11) - 0.005) < 1e-6)
    #expect(LearningRateSchedule.constant.rate(base: 0.1, epoch: 7, epochs: 11) == 0.1)
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
