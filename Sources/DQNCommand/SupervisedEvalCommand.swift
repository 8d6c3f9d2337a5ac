import ArgumentParser
import Foundation
import NeuralNetwork

/// `dqn supervised eval`: a saved classifier's confusion matrix and accuracy on labelled data.
struct SupervisedEvalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval",
    abstract: "Evaluate a saved classifier: a confusion matrix, then `accuracy: 0.9873` on the last line.")

  @Option(help: "A model directory written by `dqn supervised train`.")
  var model: String

  @Option(help: "Test data: an IDX directory or a digits CSV file.")
  var data: String

  func run() throws {
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
