import Foundation
import Testing

@testable import NeuralNetwork

/// `--init-from` and `--init-layers`: which tensors are copied, which stay fresh and why, and the
/// errors that name the tensor or the file.
@Suite struct NetworkTransferTests {
  static func scratch() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("transfer-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// A saved model whose every value differs from any fresh initialisation (biases start at 0).
  static func savedModel(_ preset: ModelPreset, inputShape: [Int], in directory: URL) throws -> (URL, Sequential) {
    let description = ModelDescription(preset: preset, inputShape: inputShape, classes: 10, seed: 7)
    let network = description.makeNetwork()
    for (index, parameter) in network.parameters.enumerated() {
      parameter.value = Tensor(
        shape: parameter.value.shape,
        scalars: (0..<parameter.value.count).map { Float(index + 1) + Float($0 % 97) / 128 })
    }
    let folder = directory.appendingPathComponent("\(preset.rawValue)-\(inputShape[1])")
    try ModelStore.save(network, description: description, to: folder)
    return (folder, network)
  }

  static func digitsNetwork(_ preset: ModelPreset = .simpleCNN, seed: UInt64 = 2) -> Sequential {
    ModelDescription(preset: preset, inputShape: [1, 8, 8], classes: 10, seed: seed).makeNetwork()
  }

  static func bytes(_ tensor: Tensor) -> [UInt32] { tensor.scalars.map(\.bitPattern) }

  /// MNIST simple-cnn → 8×8 simple-cnn: conv1 (same shape at any image size) and fc2 (100 → 10)
  /// are copied byte for byte, fc1 (4320 vs 120 inputs) keeps the fresh values of the same seed,
  /// its bias too, although the bias alone would fit.
  @Test func copiesEveryTensorWhoseNameAndShapeMatch() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (folder, source) = try Self.savedModel(.simpleCNN, inputShape: [1, 28, 28], in: directory)
    let network = Self.digitsNetwork()
    let report = try NetworkTransfer(source: folder.path).apply(to: network)
    let fresh = Self.digitsNetwork().namedTensors
    let saved = source.namedTensors
    for name in ["conv1.weight", "conv1.bias", "fc2.weight", "fc2.bias"] {
      #expect(Self.bytes(network.namedTensors[name]!) == Self.bytes(saved[name]!), "\(name)")
    }
    for name in ["fc1.weight", "fc1.bias"] {
      #expect(Self.bytes(network.namedTensors[name]!) == Self.bytes(fresh[name]!), "\(name)")
    }
    #expect(report.source == folder.appendingPathComponent("weights.safetensors").path)
    #expect(report.copiedTensors == ["conv1.weight", "conv1.bias", "fc2.weight", "fc2.bias"])
    #expect(report.rows.first { $0.name == "fc1.weight" }?.origin == .fresh(.shapeInSource([100, 4320])))
    #expect(report.rows.first { $0.name == "fc1.bias" }?.origin == .fresh(.layerMismatch("fc1.weight")))
    #expect(report.rows.allSatisfy { $0.role == .trained })
    let lines = report.table.split(separator: "\n").map(String.init)
    // The table's columns are separated by two spaces or more.
    let rows = lines.map { $0.split(separator: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    #expect(lines.first == "initialising from \(folder.path)/weights.safetensors:")
    #expect(rows[1] == ["tensor", "shape", "weights", "training"])
    #expect(rows[2] == ["conv1.weight", "[30, 1, 5, 5]", "copied", "trained"])
    #expect(rows[4] == ["fc1.weight", "[100, 120]", "fresh (shape [100, 4320] in the source)", "trained"])
    #expect(rows[5] == ["fc1.bias", "[100]", "fresh (fc1.weight does not match)", "trained"])
    // conv1 750 + 30, fc2 1000 + 10 values of 780 + 12,100 + 1,010.
    #expect(lines.last == "copied 4 of 6 tensors (1790 of 13890 values); frozen: none")
  }

  /// `--init-layers torso` copies only the convolutions; a `.safetensors` file works as a source.
  @Test func initLayersCopiesOnlyTheChosenLayers() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (folder, source) = try Self.savedModel(.simpleCNN, inputShape: [1, 28, 28], in: directory)
    let network = Self.digitsNetwork()
    let file = folder.appendingPathComponent("weights.safetensors").path
    let report = try NetworkTransfer(source: file, copiedLayers: LayerSelection(["torso"])).apply(to: network)
    #expect(report.copiedLayers == ["conv1"])
    #expect(report.copiedTensors == ["conv1.weight", "conv1.bias"])
    #expect(report.rows.first { $0.name == "fc2.weight" }?.origin == .fresh(.notSelected))
    #expect(Self.bytes(network.namedTensors["conv1.weight"]!) == Self.bytes(source.namedTensors["conv1.weight"]!))
    #expect(network.namedTensors["fc2.weight"] == Self.digitsNetwork().namedTensors["fc2.weight"])
  }

  @Test func torsoMeansTheLayersBeforeFlatten() throws {
    let deep = ModelDescription(preset: .deepCNN, inputShape: [1, 28, 28], classes: 10).makeNetwork()
    #expect(try LayerSelection(["torso"]).resolve(in: deep, option: "--freeze") == (1...6).map { "conv\($0)" })
    #expect(try LayerSelection(parsing: " fc2, conv1 ,").resolve(in: Self.digitsNetwork(), option: "--freeze") == ["conv1", "fc2"])
    #expect(throws: TransferError.noTorso(option: "--freeze", layers: ["fc1", "fc2", "fc3"])) {
      try LayerSelection(["torso"]).resolve(in: Self.digitsNetwork(.mlp), option: "--freeze")
    }
  }

  /// Each mismatch is an error naming the tensor, the layer or the file, and leaves the network
  /// as it was.
  @Test func mismatchesAreErrorsThatNameWhatIsWrong() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (mnist, _) = try Self.savedModel(.simpleCNN, inputShape: [1, 28, 28], in: directory)
    let (mlp, _) = try Self.savedModel(.mlp, inputShape: [1, 8, 8], in: directory)
    let weights = { (folder: URL) in folder.appendingPathComponent("weights.safetensors").path }
    let notSafetensors = directory.appendingPathComponent("notes.safetensors")
    try "hello".write(to: notSafetensors, atomically: true, encoding: .utf8)
    let empty = directory.appendingPathComponent("empty")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    let cases: [(NetworkTransfer, (TransferError) -> Bool, [String])] = [
      (NetworkTransfer(source: mnist.path, copiedLayers: LayerSelection(["fc1"])),
       { if case .shapeMismatch("fc1.weight", [100, 120], [100, 4320], _) = $0 { true } else { false } },
       ["fc1.weight", weights(mnist), "[100, 4320]"]),
      (NetworkTransfer(source: mlp.path, copiedLayers: LayerSelection(["conv1"])),
       { if case .missingTensor("conv1.weight", _) = $0 { true } else { false } },
       ["conv1.weight", weights(mlp)]),
      (NetworkTransfer(source: mlp.path),
       { if case .nothingMatches = $0 { true } else { false } },
       [weights(mlp), "no tensor matches", "fc2.weight: [100, 100] there, [10, 100] here", "conv1.weight: not in the file"]),
      (NetworkTransfer(source: mnist.path, frozenLayers: LayerSelection(["conv9"])),
       { if case .unknownLayer("conv9", "--freeze", _, ["conv1"]) = $0 { true } else { false } },
       ["--freeze", "conv9", "conv1, fc1, fc2", "'torso' means conv1"]),
      (NetworkTransfer(source: mnist.path, copiedLayers: LayerSelection(["fc7"])),
       { if case .unknownLayer("fc7", "--init-layers", _, _) = $0 { true } else { false } }, ["--init-layers", "fc7"]),
      (NetworkTransfer(frozenLayers: LayerSelection(["conv1", "fc1", "fc2"])),
       { if case .everythingFrozen = $0 { true } else { false } }, ["every layer", "nothing would train"]),
      (NetworkTransfer(source: empty.path),
       { if case .notASavedModel = $0 { true } else { false } }, [empty.path, "is not a saved model", "weights.safetensors"]),
      (NetworkTransfer(source: directory.appendingPathComponent("missing").path),
       { if case .notASavedModel = $0 { true } else { false } }, ["missing is not a saved model", "no such file"]),
      (NetworkTransfer(source: notSafetensors.path),
       { if case .notASavedModel = $0 { true } else { false } }, [notSafetensors.path, "is not a saved model", "safetensors"]),
    ]
    for (transfer, matches, needles) in cases {
      let network = Self.digitsNetwork()
      let before = network.namedTensors
      do {
        _ = try transfer.apply(to: network)
        Issue.record("\(transfer) succeeded")
      } catch {
        #expect(matches(error), "\(error)")
        for needle in needles { #expect(error.description.contains(needle), "\(needle) not in: \(error)") }
      }
      #expect(network.namedTensors == before)
      #expect(network.frozenLayerNames.isEmpty)
    }
  }
}
