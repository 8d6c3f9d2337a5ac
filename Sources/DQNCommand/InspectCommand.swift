import ArgumentParser
import DQN
import Foundation
import NeuralNetwork

/// `dqn inspect`: a saved network's layers, parameter names, shapes and parameter count, the
/// names `--init-layers` and `--freeze` take.
struct InspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "List a saved network's layers, parameter names, shapes and parameter count.",
    discussion: """
      Takes a supervised model folder (model.json), a run or agent folder (agent.yaml), or a \
      .safetensors file. The layer names (conv1, fc1, …) are what --init-layers and --freeze take in \
      `dqn train` and `dqn supervised train`; torso stands for the layers before Flatten (the \
      convolutions). Example: dqn inspect Agents/trained/breakout-dqn
      """)

  @Argument(help: "A model folder, a run or agent folder, or a .safetensors file.")
  var path: String

  func run() throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw TransferError.notASavedModel(path: path, detail: "no such file or folder")
    }
    let url = URL(fileURLWithPath: path)
    if isDirectory.boolValue {
      if FileManager.default.fileExists(atPath: url.appendingPathComponent(ModelStore.descriptionFile).path) {
        return try inspectModel(url)
      }
      let run = RunFolder(url)
      if FileManager.default.fileExists(atPath: run.agentFile.path) { return try inspectRun(run) }
    }
    let file = try NetworkTransfer.weightsFile(for: path)
    let contents: (tensors: [String: Tensor], metadata: [String: String])
    do {
      contents = try SafeTensors.read(URL(fileURLWithPath: file))
    } catch {
      throw TransferError.notASavedModel(path: path, detail: "\(error)")
    }
    print("weights file \(file) (no model.json or agent.yaml beside it, so no layer kinds)")
    let rows = contents.tensors.keys.sorted().map { name in
      Self.parameterRow(layer: Self.layerName(name), kind: "", name: name, shape: contents.tensors[name]!.shape)
    }
    Self.printTable(rows)
    let values = contents.tensors.values.map { $0.shape.reduce(1, *) }.reduce(0, +)
    print("total: \(contents.tensors.count) tensors, \(values) values")
    Self.printProvenance(contents.metadata)
  }

  private func inspectModel(_ url: URL) throws {
    let (network, description) = try ModelStore.load(from: url)
    print("supervised model \(path): \(description.preset.rawValue), input \(description.inputShape), \(description.classes) classes")
    Self.printNetwork(network)
    let metadata = (try? SafeTensors.read(url.appendingPathComponent(ModelStore.weightsFile)).metadata) ?? [:]
    Self.printProvenance(metadata)
  }

  private func inspectRun(_ run: RunFolder) throws {
    let description = try run.readDescription()
    let network = try RunFolder.loadNetwork(description, weights: run.weightsFile)
    let shape = description.environment.frameShape
    let input = [description.environment.observation.frameStack * shape.channels, shape.height, shape.width]
    print(
      "DQN agent \(path): \(description.preset.network.rawValue)\(description.preset.dueling ? " (dueling)" : "") network for \(description.environment.name), input \(input), \(description.environment.actionNames.count) actions, \(description.stepsDone) steps trained")
    Self.printNetwork(network)
    if let transfer = description.transfer {
      var metadata: [String: String] = [:]
      if let source = transfer.initFrom { metadata["init_from"] = source }
      if let layers = transfer.initLayers { metadata["init_layers"] = layers.joined(separator: ",") }
      if !transfer.frozen.isEmpty { metadata["frozen"] = transfer.frozen.joined(separator: ",") }
      Self.printProvenance(metadata)
    }
  }

  /// One row per parameter, with the kind of its layer on the layer's first row; layers without
  /// parameters (Flatten, pooling, activations) get a row of their own.
  private static func printNetwork(_ network: Sequential) {
    var rows: [[String]] = []
    for layer in network.layers {
      let tensors = layer.parameters + layer.buffers
      if tensors.isEmpty { rows.append(["", "\(layer)", "", "", ""]) }
      for (index, tensor) in tensors.enumerated() {
        rows.append(parameterRow(layer: tensor.layerName, kind: index == 0 ? "\(layer)" : "", name: tensor.name, shape: tensor.value.shape))
      }
    }
    printTable(rows)
    let parameters = network.parameters.map(\.value.count).reduce(0, +)
    let buffers = network.buffers.map(\.value.count).reduce(0, +)
    print(
      "total: \(network.parameters.count) parameter tensors, \(parameters) parameters"
        + (buffers > 0 ? " (and \(network.buffers.count) buffers of \(buffers) values)" : ""))
    print("layers: \(network.layerNames.joined(separator: ", "))")
    let torso = network.torsoLayerNames
    print("torso (the layers before Flatten): " + (torso.isEmpty ? "none" : torso.joined(separator: ", ")))
  }

  private static func parameterRow(layer: String, kind: String, name: String, shape: [Int]) -> [String] {
    [layer, kind, name, "[" + shape.map(String.init).joined(separator: ", ") + "]", "\(shape.reduce(1, *))"]
  }

  /// The rows under a header, columns padded; a layer's name is shown on its first row only.
  private static func printTable(_ rows: [[String]]) {
    let header = ["layer", "kind", "tensor", "shape", "values"]
    var shown = rows
    for index in shown.indices.dropFirst() where shown[index][0] == rows[index - 1][0] { shown[index][0] = "" }
    let table = [header] + shown
    let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
    for row in table {
      let padded = row.indices.map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
      var line = padded.joined(separator: "  ")
      while line.last == " " { line.removeLast() }
      print(line)
    }
  }

  /// Where the weights came from, as `dqn train` and `dqn supervised train` record it.
  private static func printProvenance(_ metadata: [String: String]) {
    if let source = metadata["init_from"] {
      print("initialised from \(source)" + (metadata["init_layers"].map { " (layers \($0))" } ?? ""))
    }
    if let frozen = metadata["frozen"] { print("frozen while training: \(frozen)") }
  }

  private static func layerName(_ tensor: String) -> String {
    guard let dot = tensor.lastIndex(of: ".") else { return tensor }
    return String(tensor[..<dot])
  }
}
