import Foundation

/// The book's random hyperparameter search: learning rate and weight decay drawn log-uniformly,
/// each trial trained briefly and judged on validation data only.
public struct RandomSearch: Sendable {
  public struct Trial: Sendable {
    public var index: Int
    public var learningRate: Float
    public var weightDecay: Float
    public var validationAccuracy: Double
    public var trainAccuracy: Double
  }

  public var learningRateRange: ClosedRange<Float>
  public var weightDecayRange: ClosedRange<Float>
  public var trials: Int
  public var epochs: Int
  public var batchSize: Int
  public var optimizer: OptimizerKind
  public var preset: ModelPreset
  public var seed: UInt64

  public init(
    learningRateRange: ClosedRange<Float> = 1e-4...1e-2, weightDecayRange: ClosedRange<Float> = 1e-8...1e-3,
    trials: Int, epochs: Int, batchSize: Int = 100, optimizer: OptimizerKind = .adam,
    preset: ModelPreset = .simpleCNN, seed: UInt64
  ) {
    precondition(learningRateRange.lowerBound > 0 && weightDecayRange.lowerBound > 0, "search ranges must be positive")
    self.learningRateRange = learningRateRange
    self.weightDecayRange = weightDecayRange
    self.trials = trials
    self.epochs = epochs
    self.batchSize = batchSize
    self.optimizer = optimizer
    self.preset = preset
    self.seed = seed
  }

  /// A log-uniform draw from `range`.
  static func logUniform<G: RandomNumberGenerator>(_ range: ClosedRange<Float>, using rng: inout G) -> Float {
    let low = Foundation.log(range.lowerBound)
    let high = Foundation.log(range.upperBound)
    return Foundation.exp(low + (high - low) * rng.nextUniform())
  }

  /// Runs every trial, calling `progress` after each, and returns them best first.
  public func run(train: Dataset, validation: Dataset, progress: (Trial) -> Void = { _ in }) -> [Trial] {
    var rng = SplitMix64(seed: seed)
    var results: [Trial] = []
    for index in 0..<trials {
      let learningRate = Self.logUniform(learningRateRange, using: &rng)
      let weightDecay = Self.logUniform(weightDecayRange, using: &rng)
      let description = ModelDescription(
        preset: preset, inputShape: train.sampleShape, classes: train.classes, seed: seed &+ UInt64(index))
      let trainer = SupervisedTrainer(
        network: description.makeNetwork(),
        optimizer: optimizer.make(learningRate: learningRate, weightDecay: weightDecay),
        batchSize: batchSize, seed: seed &+ UInt64(index))
      let last = trainer.train(train, epochs: max(epochs, 1)).last
      let trial = Trial(
        index: index + 1, learningRate: learningRate, weightDecay: weightDecay,
        validationAccuracy: Classifier.evaluate(trainer.network, on: validation).accuracy,
        trainAccuracy: last?.trainAccuracy ?? 0)
      results.append(trial)
      progress(trial)
    }
    return results.sorted { $0.validationAccuracy > $1.validationAccuracy }
  }
}
