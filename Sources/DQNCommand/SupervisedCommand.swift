import ArgumentParser
import Foundation
import NeuralNetwork

/// `dqn supervised …`: train, evaluate and tune classifiers on labelled images.
struct SupervisedCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "supervised",
    abstract: "Train, evaluate and tune image classifiers (MNIST IDX or 8×8 digits CSV).",
    subcommands: [SupervisedTrainCommand.self, SupervisedEvalCommand.self, SupervisedSearchCommand.self]
  )
}

extension ModelPreset: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension LearningRateSchedule: ExpressibleByArgument {}

/// Options shared by `train` and `search`.
struct TrainingOptions: ParsableArguments {
  @Option(help: "A directory with one *images-idx3-ubyte and one *labels-idx1-ubyte file (optionally .gz), or a digits CSV file.")
  var data: String

  @Option(help: "Mini-batch size, in images (default 100).")
  var batchSize: Int = 100

  @Option(help: "Optimizer: \(OptimizerKind.names) (default adam).")
  var optimizer: OptimizerKind = .adam

  @Option(help: "Fraction of the data held out for validation, in [0, 1) (default 0.1).")
  var validationFraction: Double = 0.1

  @Option(help: "Seed for initialisation, shuffling, splitting and augmentation (default 1).")
  var seed: UInt64 = 1

  func validate() throws {
    guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
    guard (0..<1).contains(validationFraction) else {
      throw ValidationError("--validation-fraction must be in [0, 1), got \(validationFraction)")
    }
  }

  /// Loads the data and splits it (seeded) into train and validation sets.
  func loadSplit() throws -> (train: Dataset, validation: Dataset?) {
    let dataset = try Dataset.load(data)
    guard validationFraction > 0 else { return (dataset, nil) }
    var rng = SplitMix64(seed: seed ^ 0x5EED_5B17)
    let (train, validation) = dataset.split(validationFraction: validationFraction, using: &rng)
    return (train, validation)
  }
}

struct SupervisedTrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a classifier, print one progress line per epoch, and save it.",
    discussion: """
      Example: dqn supervised train --data Datasets/mnist-4k --model simple-cnn --epochs 20 --augment --seed 1
      The model folder holds model.json (the architecture) and weights.safetensors.
      """
  )

  @OptionGroup var options: TrainingOptions

  @Option(help: "Network: \(ModelPreset.allCases.map(\.rawValue).joined(separator: ", ")) (default simple-cnn).")
  var model: ModelPreset = .simpleCNN

  @Option(help: "Passes over the training data (default 20).")
  var epochs: Int = 20

  @Option(help: "Step size (default 0.002 for Adam, tuned on a validation split of mnist-4k; 0.01 otherwise).")
  var learningRate: Float?

  @Option(help: "L2 weight decay λ on weights (default 0.0001).")
  var weightDecay: Float = 1e-4

  @Option(help: "Dropout probability after hidden dense layers (default: 0.25 for deep-cnn, 0 otherwise).")
  var dropout: Float?

  @Option(help: "Learning-rate schedule over the epochs: constant, or cosine (down to 5% at the last epoch; default).")
  var schedule: LearningRateSchedule = .cosine

  @Flag(help: "Augment training images with random shifts (±2 px), rotations (±10°) and crops (90–100%).")
  var augment = false

  @Option(help: "Directory to save the model into (default runs/supervised/<model>-seed<seed>).")
  var out: String?

  func validate() throws {
    guard epochs > 0 else { throw ValidationError("--epochs must be positive, got \(epochs)") }
    if let learningRate, !(learningRate > 0) {
      throw ValidationError("--learning-rate must be positive, got \(learningRate)")
    }
    guard weightDecay >= 0 else { throw ValidationError("--weight-decay must be ≥ 0, got \(weightDecay)") }
    if let dropout, !(0..<1).contains(dropout) {
      throw ValidationError("--dropout must be in [0, 1), got \(dropout)")
    }
  }

  func run() throws {
    BLAS.setThreadCount(1)
    let (train, validation) = try options.loadSplit()
    let description = ModelDescription(
      preset: model, inputShape: train.sampleShape, classes: train.classes, dropout: dropout,
      seed: options.seed)
    let network = description.makeNetwork()
    let rate = learningRate ?? (options.optimizer == .adam ? 0.002 : 0.01)
    let trainer = SupervisedTrainer(
      network: network, optimizer: options.optimizer.make(learningRate: rate, weightDecay: weightDecay),
      batchSize: options.batchSize, augmentation: augment ? .digits : nil, seed: options.seed)
    let directory = URL(fileURLWithPath: out ?? "runs/supervised/\(model.rawValue)-seed\(options.seed)")
    print("training \(model.rawValue) on \(train.count) images \(train.sampleShape) (validation \(validation?.count ?? 0)), \(options.optimizer.rawValue) lr \(rate) (\(schedule.rawValue)), weight decay \(weightDecay)\(augment ? ", augmented" : "")")
    var last: EpochReport?
    for epoch in 1...epochs {
      trainer.optimizer.learningRate = schedule.rate(base: rate, epoch: epoch, epochs: epochs)
      let report = trainer.trainEpoch(train, epoch: epoch, validation: validation)
      last = report
      let validationText = report.validationAccuracy.map { String(format: "%.4f", $0) } ?? "-"
      print(String(
        format: "epoch %3d/%d  loss %.4f  train %.4f  validation %@  %.0f images/s",
        epoch, epochs, report.loss, report.trainAccuracy, validationText, report.imagesPerSecond))
    }
    try ModelStore.save(network, description: description, to: directory)
    if let accuracy = last?.validationAccuracy { print(String(format: "validation accuracy: %.4f", accuracy)) }
    print("saved model to \(directory.path)")
  }
}

struct SupervisedEvalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval",
    abstract: "Evaluate a saved classifier: a confusion matrix, then `accuracy: 0.9873` on the last line.")

  @Option(help: "A model directory written by `dqn supervised train`.")
  var model: String

  @Option(help: "Test data: an IDX directory or a digits CSV file.")
  var data: String

  func run() throws {
    BLAS.setThreadCount(1)
    let (network, description) = try ModelStore.load(from: URL(fileURLWithPath: model))
    let dataset = try Dataset.load(data, classes: description.classes)
    guard dataset.sampleShape == description.inputShape else {
      throw ModelError.inputMismatch(model: description.inputShape, data: dataset.sampleShape)
    }
    let (accuracy, confusion) = Classifier.evaluate(network, on: dataset)
    print("confusion matrix (rows: true class, columns: predicted) on \(dataset.count) images")
    print("     " + (0..<description.classes).map { String(format: "%5d", $0) }.joined())
    for (truth, row) in confusion.enumerated() {
      print(String(format: "%3d  ", truth) + row.map { String(format: "%5d", $0) }.joined())
    }
    print(String(format: "accuracy: %.4f", accuracy))
  }
}

struct SupervisedSearchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "search",
    abstract: "Random search over learning rate and weight decay, judged on validation data only.")

  @OptionGroup var options: TrainingOptions

  @Option(help: "Network to tune (default simple-cnn).")
  var model: ModelPreset = .simpleCNN

  @Option(help: "Number of random settings to try (default 10).")
  var trials: Int = 10

  @Option(help: "Epochs per trial (default 2).")
  var epochs: Int = 2

  @Option(help: "Learning-rate range, sampled log-uniformly (default 1e-4...1e-2).")
  var learningRateMin: Float = 1e-4
  @Option(help: "Upper end of the learning-rate range.")
  var learningRateMax: Float = 1e-2
  @Option(help: "Weight-decay range, sampled log-uniformly (default 1e-8...1e-3).")
  var weightDecayMin: Float = 1e-8
  @Option(help: "Upper end of the weight-decay range.")
  var weightDecayMax: Float = 1e-3

  func validate() throws {
    guard trials > 0, epochs > 0 else { throw ValidationError("--trials and --epochs must be positive") }
    guard learningRateMin > 0, learningRateMin <= learningRateMax else {
      throw ValidationError("need 0 < --learning-rate-min ≤ --learning-rate-max")
    }
    guard weightDecayMin > 0, weightDecayMin <= weightDecayMax else {
      throw ValidationError("need 0 < --weight-decay-min ≤ --weight-decay-max")
    }
    guard options.validationFraction > 0 else { throw ValidationError("search needs --validation-fraction > 0") }
  }

  func run() throws {
    BLAS.setThreadCount(1)
    let (train, validationSet) = try options.loadSplit()
    guard let validation = validationSet, validation.count > 0 else {
      throw CommandError("the validation split is empty; raise --validation-fraction")
    }
    let search = RandomSearch(
      learningRateRange: learningRateMin...learningRateMax, weightDecayRange: weightDecayMin...weightDecayMax,
      trials: trials, epochs: epochs, batchSize: options.batchSize, optimizer: options.optimizer,
      preset: model, seed: options.seed)
    let ranked = search.run(train: train, validation: validation) { trial in
      print(String(format: "trial %3d  lr %.3e  weight decay %.3e  validation %.4f", trial.index, trial.learningRate, trial.weightDecay, trial.validationAccuracy))
    }
    print("\nrank  trial  learning rate  weight decay  validation  train")
    for (rank, trial) in ranked.enumerated() {
      print(String(format: "%4d  %5d  %13.3e  %12.3e  %10.4f  %.4f", rank + 1, trial.index, trial.learningRate, trial.weightDecay, trial.validationAccuracy, trial.trainAccuracy))
    }
    if let best = ranked.first {
      print(String(format: "best: --learning-rate %.3e --weight-decay %.3e (validation %.4f)", best.learningRate, best.weightDecay, best.validationAccuracy))
    }
  }
}
