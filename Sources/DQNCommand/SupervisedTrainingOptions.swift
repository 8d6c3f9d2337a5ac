import ArgumentParser
import NeuralNetwork

/// `--data`, `--batch-size`, `--optimizer`, `--validation-fraction`, `--train-limit` and `--seed`:
/// what `supervised train` and `supervised search` share.
struct SupervisedTrainingOptions: ParsableArguments {
  @Option(help: "A directory with one *images-idx3-ubyte and one *labels-idx1-ubyte file (optionally .gz), or a digits CSV file.")
  var data: String

  @Option(help: "Mini-batch size, in images.")
  var batchSize: Int = 100

  @Option(help: "Optimizer: \(OptimizerKind.names).")
  var optimizer: OptimizerKind = .adam

  @Option(help: "Fraction of the data held out for validation, in [0, 1) (default 0.1).")
  var validationFraction: Double?

  @Option(help: ArgumentHelp(
    "Train on only N images and hold out all the others for validation (not with --validation-fraction).",
    discussion: "The N images are drawn at random from the whole data set by --seed, so runs with the same seed train on the same images and are measured on the same held-out rest, which the model never sees: with few labels, that is the test set."))
  var trainLimit: Int?

  @Option(help: "Seed for initialisation, shuffling, splitting and augmentation.")
  var seed: UInt64 = 1

  /// The largest `--batch-size`.
  static let maximumBatchSize = 65_536

  /// The fraction held out when `--train-limit` is not given.
  var heldOutFraction: Double { validationFraction ?? 0.1 }

  func validate() throws {
    guard (1...Self.maximumBatchSize).contains(batchSize) else {
      throw ValidationError("--batch-size must be in 1...\(Self.maximumBatchSize), got \(batchSize)")
    }
    if let validationFraction, !(0..<1).contains(validationFraction) {
      throw ValidationError("--validation-fraction must be in [0, 1), got \(validationFraction)")
    }
    if let trainLimit {
      guard trainLimit > 0 else { throw ValidationError("--train-limit must be positive, got \(trainLimit)") }
      guard validationFraction == nil else {
        throw ValidationError("--train-limit holds out every image it does not train on: leave out --validation-fraction")
      }
    }
  }

  /// Loads the data and splits it (seeded) into train and validation sets: `--train-limit` images
  /// and the rest, or the `--validation-fraction` split.
  func loadSplit() throws -> (train: Dataset, validation: Dataset?) {
    let dataset = try Dataset.load(data)
    var rng = SplitMix64(seed: seed ^ 0x5EED_5B17)
    if let trainLimit {
      guard trainLimit < dataset.count else {
        throw CommandError("--train-limit \(trainLimit) must be below the \(dataset.count) images of \(data), to leave some to test on")
      }
      let (train, heldOut) = dataset.split(trainingCount: trainLimit, using: &rng)
      return (train, heldOut)
    }
    guard heldOutFraction > 0 else { return (dataset, nil) }
    let (train, validation) = dataset.split(validationFraction: heldOutFraction, using: &rng)
    guard train.count > 0, validation.count > 0 else {
      throw CommandError(
        "\(data) holds \(dataset.count) images: too few to hold out a fraction of \(heldOutFraction) for validation and train on the rest (use --validation-fraction 0)")
    }
    return (train, validation)
  }
}
