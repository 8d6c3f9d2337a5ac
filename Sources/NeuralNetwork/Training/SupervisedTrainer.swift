import Foundation

/// What one epoch of supervised training achieved.
public struct EpochReport: Sendable {
  public var epoch: Int
  public var loss: Float
  public var trainAccuracy: Double
  public var validationAccuracy: Double?
  public var imagesPerSecond: Double
  public var seconds: Double
}

/// How the learning rate changes over epochs.
public enum LearningRateSchedule: String, Codable, Sendable, CaseIterable {
  /// The same rate every epoch.
  case constant
  /// Cosine annealing from the base rate down to 5% of it at the last epoch.
  /// - Paper: https://arxiv.org/abs/1608.03983
  case cosine

  /// The rate for `epoch` (1-based) of `epochs`.
  public func rate(base: Float, epoch: Int, epochs: Int) -> Float {
    switch self {
    case .constant: return base
    case .cosine:
      guard epochs > 1 else { return base }
      let progress = Double(epoch - 1) / Double(epochs - 1)
      let floor = 0.05
      return base * Float(floor + (1 - floor) * 0.5 * (1 + Foundation.cos(Double.pi * progress)))
    }
  }
}

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

  /// Trains one epoch over `data` in shuffled mini-batches.
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
      epoch: epoch, loss: Float(totalLoss / Double(max(data.count, 1))),
      trainAccuracy: Double(correct) / Double(max(data.count, 1)),
      validationAccuracy: validation.map { Classifier.evaluate(network, on: $0).accuracy },
      imagesPerSecond: Double(data.count) / max(seconds, 1e-9), seconds: seconds)
  }
}

/// Inference-time evaluation of a classifier.
public enum Classifier {
  /// Accuracy and the confusion matrix (`confusion[true][predicted]`) of `network` on `data`.
  public static func evaluate(_ network: Layer, on data: Dataset, batchSize: Int = 500) -> (
    accuracy: Double, confusion: [[Int]]
  ) {
    var confusion = Array(repeating: Array(repeating: 0, count: data.classes), count: data.classes)
    var batch = Tensor.empty
    var correct = 0
    for start in stride(from: 0, to: data.count, by: batchSize) {
      let indices = Array(start..<min(start + batchSize, data.count))
      data.gather(indices, into: &batch)
      let predictions = network(batch).argmaxRows()
      for (index, predicted) in zip(indices, predictions) {
        let truth = data.labels[index]
        if predicted < data.classes { confusion[truth][predicted] += 1 }
        if predicted == truth { correct += 1 }
      }
    }
    return (Double(correct) / Double(max(data.count, 1)), confusion)
  }
}
