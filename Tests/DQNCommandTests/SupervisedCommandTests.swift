import Foundation
import Testing

@testable import DQNCommand

/// The digits CSV in the repository's Datasets/.
private let digits = repositoryRoot().appendingPathComponent("Datasets/digits/digits.csv.gz").path

@Suite struct SupervisedCommandTests {
  @Test func parsesTrainOptions() throws {
    let command = try SupervisedTrainCommand.parse([
      "--data", "d", "--model", "deep-cnn", "--epochs", "3", "--batch-size", "32", "--optimizer", "momentum",
      "--learning-rate", "0.1", "--weight-decay", "0", "--dropout", "0.3", "--augment", "--validation-fraction", "0.2",
      "--seed", "9", "--out", "o",
    ])
    #expect(command.model == .deepCNN)
    #expect(command.options.optimizer == .momentum)
    #expect(command.options.batchSize == 32)
    #expect(command.augment)
    #expect(command.learningRate == 0.1)
  }

  @Test func trainsSavesAndEvaluatesEndToEnd() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let model = directory.appendingPathComponent("model").path
    let train = try runDQN(["supervised", "train", "--data", digits, "--model", "mlp", "--epochs", "3", "--seed", "2", "--out", model])
    #expect(train.status == 0, "\(train.stderr)")
    #expect(train.stdout.contains("epoch   3/3"))
    #expect(train.stdout.contains("images/s"))
    #expect(FileManager.default.fileExists(atPath: model + "/weights.safetensors"))
    #expect(FileManager.default.fileExists(atPath: model + "/model.json"))
    let eval = try runDQN(["supervised", "eval", "--model", model, "--data", digits])
    #expect(eval.status == 0, "\(eval.stderr)")
    let last = try #require(eval.stdout.split(separator: "\n").last)
    #expect(last.hasPrefix("accuracy: 0."))
    let accuracy = try #require(Double(last.dropFirst("accuracy: ".count)))
    #expect(accuracy > 0.85)
    #expect(eval.stdout.contains("confusion matrix"))
  }

  @Test func searchPrintsARankedTable() throws {
    let result = try runDQN(["supervised", "search", "--data", digits, "--model", "mlp", "--trials", "2", "--epochs", "1", "--seed", "3"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("rank  trial"))
    #expect(result.stdout.contains("best: --learning-rate"))
  }

  @Test(arguments: [
    (["supervised", "train", "--data", "/nonexistent/data"], "/nonexistent/data"),
    (["supervised", "train", "--data", digits, "--model", "resnet"], "resnet"),
    (["supervised", "train", "--data", digits, "--optimizer", "lbfgs"], "lbfgs"),
    (["supervised", "train", "--data", digits, "--learning-rate", "-1"], "--learning-rate"),
    (["supervised", "train", "--data", digits, "--batch-size", "0"], "--batch-size"),
    (["supervised", "eval", "--model", "/nonexistent/model", "--data", digits], "is not a saved model"),
  ])
  func badInputGivesOneClearMessage(arguments: [String], mentions: String) throws {
    let result = try runDQN(arguments)
    #expect(result.status != 0)
    #expect(result.stderr.contains(mentions), "\(result.stderr)")
    #expect(!result.stderr.contains("Fatal error"))
    #expect(!result.stderr.contains("Stack dump"))
  }

  @Test func aTruncatedDataFileIsNamed() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try Data([0, 0, 8, 3, 0, 0, 0, 9, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2]).write(to: directory.appendingPathComponent("train-images-idx3-ubyte"))
    try Data([0, 0, 8, 1, 0, 0, 0, 9, 1]).write(to: directory.appendingPathComponent("train-labels-idx1-ubyte"))
    let result = try runDQN(["supervised", "train", "--data", directory.path])
    #expect(result.status != 0)
    #expect(result.stderr.contains("train-images-idx3-ubyte: truncated"), "\(result.stderr)")
  }

  @Test func aModelThatDoesNotFitTheDataIsRejected() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let model = directory.appendingPathComponent("model").path
    _ = try runDQN(["supervised", "train", "--data", digits, "--model", "mlp", "--epochs", "1", "--out", model])
    let mnist = repositoryRoot().appendingPathComponent("Datasets/mnist-4k").path
    let result = try runDQN(["supervised", "eval", "--model", model, "--data", mnist])
    #expect(result.status != 0)
    #expect(result.stderr.contains("expects images of shape [1, 8, 8]"), "\(result.stderr)")
  }

  @Test func helpExplainsTheOptions() throws {
    let result = try runDQN(["supervised", "train", "--help"])
    #expect(result.status == 0)
    for option in ["--data", "--model", "--epochs", "--batch-size", "--optimizer", "--learning-rate", "--weight-decay", "--dropout", "--augment", "--validation-fraction", "--seed", "--out"] {
      #expect(result.stdout.contains(option), "\(option)")
    }
  }
}
