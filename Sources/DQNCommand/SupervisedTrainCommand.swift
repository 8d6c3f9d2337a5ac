import ArgumentParser
import Foundation
import NeuralNetwork

/// `dqn supervised train`: train a classifier and save it.
struct SupervisedTrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a classifier, print one progress line per epoch, and save it.",
    discussion: """
      Example: dqn supervised train --data Datasets/mnist-4k --model simple-cnn --epochs 20 --augment --seed 1 \
      The model folder holds model.json (the architecture) and weights.safetensors.

      Transfer learning: --init-from MODEL starts from a saved model's weights. \
      Convolutions do not depend on the image size, so a simple-cnn trained on \
      28×28 MNIST can start one for the 8×8 digits (conv1 is copied, fc1 starts \
      fresh):
        dqn supervised train --data Datasets/digits/digits.csv.gz \\
          --train-limit 100 --init-from MNIST_MODEL --init-layers conv1
      Layer names: `dqn inspect MODEL` lists them (simple-cnn: conv1, fc1, fc2; \
      deep-cnn: conv1 to conv6, fc1, fc2; mlp: fc1 to fc3). torso means the \
      convolutions (none in mlp).
      """
  )

  @OptionGroup var options: SupervisedTrainingOptions

  @OptionGroup var transferOptions: TransferOptions

  @Option(help: "Network: \(ModelPreset.allCases.map(\.rawValue).joined(separator: ", ")).")
  var model: ModelPreset = .simpleCNN

  @Option(help: "Passes over the training data.")
  var epochs: Int = 20

  @Option(help: "Step size (default 0.002 for Adam, tuned on a validation split of mnist-4k; 0.01 otherwise).")
  var learningRate: Float?

  @Option(help: "L2 weight decay λ on weights.")
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
    let (train, validation) = try options.loadSplit()
    let description = ModelDescription(
      preset: model, inputShape: train.sampleShape, classes: train.classes, dropout: dropout,
      seed: options.seed)
    if let problem = description.problem {
      throw CommandError("\(options.data) does not fit --model \(model.rawValue): \(problem)")
    }
    try description.trainingMemory(batchSize: options.batchSize).check("training \(model.rawValue) on \(options.data)")
    let network = description.makeNetwork()
    var metadata: [String: String] = [:]
    if let transfer = transferOptions.transfer {
      let report = try transfer.apply(to: network)
      print(report.table)
      metadata = ModelStore.metadata(recording: report)
    }
    let rate = learningRate ?? (options.optimizer == .adam ? 0.002 : 0.01)
    let trainer = SupervisedTrainer(
      network: network, optimizer: options.optimizer.make(learningRate: rate, weightDecay: weightDecay),
      batchSize: options.batchSize, augmentation: augment ? .digits : nil, seed: options.seed)
    let directory = URL(fileURLWithPath: out ?? "runs/supervised/\(model.rawValue)-seed\(options.seed)")
    print("training \(model.rawValue) on \(train.count) images \(train.sampleShape) (\(options.trainLimit == nil ? "validation" : "held out") \(validation?.count ?? 0)), \(options.optimizer.rawValue) lr \(rate) (\(schedule.rawValue)), weight decay \(weightDecay)\(augment ? ", augmented" : "")")
    let reports = trainer.train(train, epochs: epochs, schedule: schedule, validation: validation) { report in
      let validationText = report.validationAccuracy.map { String(format: "%.4f", $0) } ?? "-"
      print(String(
        format: "epoch %3d/%d  loss %.4f  train %.4f  validation %@  %.0f images/s",
        report.epoch, epochs, report.loss, report.trainAccuracy, validationText, report.imagesPerSecond))
    }
    try ModelStore.save(network, description: description, to: directory, metadata: metadata)
    if let accuracy = reports.last?.validationAccuracy { print(String(format: "validation accuracy: %.4f", accuracy)) }
    print("saved model to \(directory.path)")
  }
}
