import Foundation

/// Mini-batch training of a classifier with softmax cross-entropy (the book's `Trainer`).
public final class SupervisedTrainer {
  public let network: Sequential
  public var optimizer: any Optimizer
  public var batchSize: Int
  public var augmentation: Augmentation?
  public var rng: SplitMix64
  private let loss = SoftmaxCrossEntropy()
  private var batch = Tensor.empty
  private var augmented = Tensor.empty

  public init(
    network: Sequential, optimizer: any Optimizer, batchSize: Int, augmentation: Augmentation? = nil,
    seed: UInt64
  ) {
    precondition(batchSize > 0, "batch size must be positive, but is \(batchSize)")
    self.network = network
    self.optimizer = optimizer
    self.batchSize = batchSize
    self.augmentation = augmentation
    self.rng = SplitMix64(seed: seed)
  }

  /// One gradient step on a batch; returns the loss and the number of correct predictions.
  @discardableResult
  public func step(_ images: Tensor, labels: [Int]) -> (loss: Float, correct: Int) {
    let parameters = network.parameters
    for parameter in parameters { parameter.zeroGradient() }
    let logits = network.forward(images, training: true)
    let value = loss.forward(logits, labels: labels)
    var correct = 0
    for (row, label) in labels.enumerated() where logits.argmax(row: row) == label { correct += 1 }
    _ = network.backward(loss.backward())
    optimizer.update(parameters)
    return (value, correct)
  }

  /// Trains one epoch over `data` in shuffled mini-batches at the optimizer's current learning rate.
  public func trainEpoch(_ data: Dataset, epoch: Int, validation: Dataset? = nil) -> EpochReport {
    let start = Date()
    var totalLoss: Double = 0
    var correct = 0
    for indices in data.batches(size: batchSize, using: &rng) {
      data.gather(indices, into: &batch)
      let input: Tensor
      if let augmentation {
        augmentation.apply(batch, into: &augmented, using: &rng)
        input = augmented
      } else {
        input = batch
      }
      let result = step(input, labels: indices.map { data.labels[$0] })
      totalLoss += Double(result.loss) * Double(indices.count)
      correct += result.correct
    }
    let seconds = Date().timeIntervalSince(start)
    return EpochReport(
      epoch: epoch, learningRate: optimizer.learningRate, loss: Float(totalLoss / Double(max(data.count, 1))),
      trainAccuracy: Double(correct) / Double(max(data.count, 1)),
      validationAccuracy: validation.map { Classifier.evaluate(network, on: $0).accuracy },
      imagesPerSecond: Double(data.count) / max(seconds, 1e-9), seconds: seconds)
  }

  /// Trains `epochs` epochs over `data`, setting the learning rate before each from `schedule`
  /// (with the optimizer's learning rate at the call as the base), and returns every epoch's report.
  /// The base rate is set back at the end, so a second call runs the schedule again.
  ///
  /// - Parameters:
  ///   - validation: measured after every epoch when given (it never influences training).
  ///   - onEpoch: called with each report as soon as its epoch ends (progress lines).
  /// - Precondition: `epochs > 0`.
  @discardableResult
  public func train(
    _ data: Dataset, epochs: Int, schedule: LearningRateSchedule = .constant, validation: Dataset? = nil,
    onEpoch: (EpochReport) -> Void = { _ in }
  ) -> [EpochReport] {
    precondition(epochs > 0, "epochs must be positive, but is \(epochs)")
    let base = optimizer.learningRate
    var reports: [EpochReport] = []
    for epoch in 1...epochs {
      optimizer.learningRate = schedule.rate(base: base, epoch: epoch, epochs: epochs)
      let report = trainEpoch(data, epoch: epoch, validation: validation)
      reports.append(report)
      onEpoch(report)
    }
    optimizer.learningRate = base
    return reports
  }
}
