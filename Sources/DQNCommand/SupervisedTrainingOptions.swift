import ArgumentParser
import NeuralNetwork

/// `--data`, `--batch-size`, `--optimizer`, `--validation-fraction` and `--seed`: what
/// `supervised train` and `supervised search` share.
struct SupervisedTrainingOptions: ParsableArguments {
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
