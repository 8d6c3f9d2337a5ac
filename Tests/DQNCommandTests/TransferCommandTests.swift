import Foundation
import NeuralNetwork
import Testing

@testable import DQNCommand

private let digits = repositoryRoot().appendingPathComponent("Datasets/digits/digits.csv.gz").path
private let mnist = repositoryRoot().appendingPathComponent("Datasets/mnist-4k").path

/// `--init-from`, `--init-layers`, `--freeze`, `--train-limit` and `dqn inspect`, end to end.
@Suite struct TransferCommandTests {
  static func tensors(_ file: String) throws -> [String: Tensor] {
    try SafeTensors.read(URL(fileURLWithPath: file)).tensors
  }

  static func bytes(_ tensor: Tensor?) -> [UInt32] { tensor?.scalars.map(\.bitPattern) ?? [] }

  /// The table's columns for `tensor`.
  static func tableRow(_ output: String, _ tensor: String) -> [String]? {
    output.split(separator: "\n").first { $0.hasPrefix(tensor + " ") }.map { line in
      line.split(separator: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
  }

  @Test func mnistConvolutionsStartAnEightByEightDigitsModel() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let source = directory.appendingPathComponent("mnist").path
    let target = directory.appendingPathComponent("digits").path
    let first = try runDQN(["supervised", "train", "--data", mnist, "--train-limit", "300", "--epochs", "1", "--out", source])
    #expect(first.status == 0, "\(first.stderr)")
    let second = try runDQN([
      "supervised", "train", "--data", digits, "--train-limit", "100", "--epochs", "2", "--seed", "3",
      "--init-from", source, "--init-layers", "torso", "--freeze", "conv1", "--out", target,
    ])
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.stdout.contains("initialising from \(source)/weights.safetensors (layers conv1):"))
    #expect(Self.tableRow(second.stdout, "conv1.weight") == ["conv1.weight", "[30, 1, 5, 5]", "copied", "frozen"])
    #expect(Self.tableRow(second.stdout, "fc2.weight") == ["fc2.weight", "[10, 100]", "fresh (not in --init-layers)", "trained"])
    #expect(second.stdout.contains("training simple-cnn on 100 images [1, 8, 8] (held out 1697)"))
    let sourceWeights = try Self.tensors(source + "/weights.safetensors")
    let targetWeights = try Self.tensors(target + "/weights.safetensors")
    #expect(Self.bytes(targetWeights["conv1.weight"]) == Self.bytes(sourceWeights["conv1.weight"]))
    #expect(Self.bytes(targetWeights["conv1.bias"]) == Self.bytes(sourceWeights["conv1.bias"]))
    let inspect = try runDQN(["inspect", target])
    #expect(inspect.status == 0, "\(inspect.stderr)")
    #expect(inspect.stdout.contains("initialised from \(source)/weights.safetensors (layers conv1)"))
    #expect(inspect.stdout.contains("frozen while training: conv1"))
  }

  @Test func aDQNRunStartsFromAnotherRunsTorsoAndResumesFrozen() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let source = directory.appendingPathComponent("source").path
    let target = directory.appendingPathComponent("target").path
    let settings = ["--set", "learningStarts=100", "--set", "evalInterval=0", "--no-tensorboard"]
    let first = try runDQN(["train", "--env", "catch", "--steps", "400", "--out", source] + settings)
    #expect(first.status == 0, "\(first.stderr)")
    let second = try runDQN(
      ["train", "--env", "catch", "--steps", "400", "--seed", "3", "--init-from", source, "--freeze", "torso", "--out", target] + settings)
    #expect(second.status == 0, "\(second.stderr)")
    #expect(Self.tableRow(second.stdout, "conv1.weight") == ["conv1.weight", "[16, 1, 3, 3]", "copied", "frozen"])
    #expect(Self.tableRow(second.stdout, "fc2.bias") == ["fc2.bias", "[3]", "copied", "trained"])
    #expect(second.stdout.contains("copied 6 of 6 tensors"))
    let agentYAML = try String(contentsOfFile: target + "/agent.yaml", encoding: .utf8)
    #expect(agentYAML.contains("transfer:\n  initFrom: \(source)/weights.safetensors\n"))
    #expect(agentYAML.contains("  frozen: [conv1]\n"))
    let resumed = try runDQN(["train", "--resume", target, "--steps", "600"])
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(resumed.stdout.contains("resuming \(target) at step 400 of 600 (frozen: conv1)"))
    let sourceWeights = try Self.tensors(source + "/weights.safetensors")
    let targetWeights = try Self.tensors(target + "/weights.safetensors")
    #expect(Self.bytes(targetWeights["conv1.weight"]) == Self.bytes(sourceWeights["conv1.weight"]))
    #expect(targetWeights["fc1.weight"] != sourceWeights["fc1.weight"])
    let inspect = try runDQN(["inspect", target])
    #expect(inspect.stdout.contains("frozen while training: conv1"), "\(inspect.stdout)")
  }

  @Test func inspectListsLayersTensorsAndTheParameterCount() throws {
    let result = try runDQN(["inspect", "Agents/trained/breakout-dqn"])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first == "DQN agent Agents/trained/breakout-dqn: minatar network for breakout, input [4, 10, 10], 6 actions, 1000000 steps trained")
    let columns = lines.map { $0.split(separator: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    #expect(columns.contains(["conv1", "Conv2D(4→16, 3×3, stride 1, padding 0, ReLU, conv1)", "conv1.weight", "[16, 4, 3, 3]", "576"]))
    #expect(columns.contains(["fc1.bias", "[128]", "128"]))
    // 576 + 16 + 131,072 + 128 + 768 + 6.
    #expect(lines.contains("total: 6 parameter tensors, 132566 parameters"))
    #expect(lines.contains("layers: conv1, fc1, fc2"))
    #expect(lines.contains("torso (the layers before Flatten): conv1"))
    let file = try runDQN(["inspect", "Agents/trained/breakout-dqn/best.safetensors"])
    #expect(file.status == 0, "\(file.stderr)")
    #expect(file.stdout.contains("total: 6 tensors, 132566 values"))
  }

  @Test func helpSaysHowToListLayerNames() throws {
    for command in [["train", "--help"], ["supervised", "train", "--help"]] {
      let result = try runDQN(command)
      #expect(result.status == 0)
      for needle in ["--init-from", "--init-layers", "--freeze", "dqn inspect", "torso"] {
        #expect(result.stdout.contains(needle), "\(command): \(needle)")
      }
    }
    let supervised = try runDQN(["supervised", "train", "--help"])
    #expect(supervised.stdout.contains("--train-limit"))
  }

  @Test func eachMismatchGivesOneClearMessage() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("run").path
    let cases: [([String], [String])] = [
      // Breakout's network sees 4 stacked frames and has 6 actions: none of its tensors fits Catch's.
      (["train", "--env", "catch", "--init-from", "Agents/trained/breakout-dqn", "--out", out],
       ["Agents/trained/breakout-dqn/weights.safetensors", "no tensor matches", "conv1.weight"]),
      (["train", "--env", "catch", "--set", "network=small", "--freeze", "torso", "--out", out], ["--freeze torso", "no torso"]),
      (["train", "--env", "catch", "--freeze", "conv9", "--out", out], ["--freeze", "no layer 'conv9'", "conv1, fc1, fc2"]),
      (["train", "--env", "catch", "--freeze", "conv1,fc1,fc2", "--out", out], ["every layer", "nothing would train"]),
      (["train", "--env", "catch", "--init-from", "/nonexistent/run", "--out", out], ["/nonexistent/run is not a saved model"]),
      (["train", "--env", "catch", "--init-from", "README.md", "--out", out], ["README.md is not a saved model", "safetensors"]),
      (["train", "--env", "catch", "--init-layers", "conv1", "--out", out], ["--init-layers", "--init-from"]),
      (["train", "--resume", out, "--freeze", "conv1"], ["--resume", "--freeze"]),
      (["supervised", "train", "--data", digits, "--init-from", "Agents/trained/breakout-dqn", "--init-layers", "conv1", "--out", out],
       ["Agents/trained/breakout-dqn/weights.safetensors", "conv1.weight", "[16, 4, 3, 3]", "[30, 1, 5, 5]"]),
      (["supervised", "train", "--data", digits, "--model", "mlp", "--init-from", "Agents/trained/catch", "--init-layers", "fc1", "--out", out],
       ["Agents/trained/catch/weights.safetensors", "fc1.weight"]),
      (["supervised", "train", "--data", digits, "--train-limit", "5000", "--out", out], ["--train-limit 5000", "1797 images"]),
      (["supervised", "train", "--data", digits, "--train-limit", "100", "--validation-fraction", "0.2", "--out", out],
       ["--train-limit", "--validation-fraction"]),
      (["inspect", "/nonexistent/model"], ["/nonexistent/model is not a saved model"]),
      (["inspect", directory.path], [directory.path, "is not a saved model", "weights.safetensors"]),
    ]
    for (arguments, needles) in cases {
      let result = try runDQN(arguments)
      #expect(result.status != 0, "\(arguments) succeeded")
      for needle in needles { #expect(result.stderr.contains(needle), "\(arguments): \(result.stderr)") }
      #expect(!result.stderr.contains("Fatal error"), "\(arguments): \(result.stderr)")
      #expect(!FileManager.default.fileExists(atPath: out + "/agent.yaml"), "\(arguments) left a run")
    }
  }
}
