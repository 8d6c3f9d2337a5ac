import Foundation

/// Starting a network from another one's saved weights, and choosing which of its layers train:
/// what `--init-from`, `--init-layers` and `--freeze` ask for (the transfer learning of *Deep
/// Learning from Scratch*, chapter 8).
///
/// Every tensor whose name **and** shape match the source's is copied, layer by layer: a layer is
/// copied whole or not at all, so a bias never arrives without its weights (`fc1.bias` has 100
/// values in a network for 28×28 images and in one for 8×8 images, but `fc1.weight` does not
/// match, so both stay fresh). The rest keep their fresh initialisation, so they equal what the
/// same seed gives without a source. Convolution weights
/// do not depend on the image size, so a network for other images (or another game of the same
/// frame size) can start from a trained one's convolutions while its dense layers start fresh.
public struct NetworkTransfer: Sendable, Equatable {
  /// The file a model or run folder keeps its weights in.
  public static let weightsFile = "weights.safetensors"

  /// Where the weights come from: a folder holding `weights.safetensors` (a supervised model
  /// folder, a run folder, a shipped agent) or a `.safetensors` file; nil keeps every tensor fresh.
  public var source: String?
  /// The layers to copy; nil copies every tensor that matches. With a selection, a tensor of a
  /// selected layer that is missing from the source or shaped differently there is an error.
  public var copiedLayers: LayerSelection?
  /// The layers to keep fixed while training.
  public var frozenLayers: LayerSelection?

  public init(source: String? = nil, copiedLayers: LayerSelection? = nil, frozenLayers: LayerSelection? = nil) {
    self.source = source
    self.copiedLayers = copiedLayers
    self.frozenLayers = frozenLayers
  }

  /// Copies the source's matching tensors into `network`, freezes the chosen layers, and reports
  /// what happened to each tensor. On error the network is unchanged.
  ///
  /// - Throws: `TransferError` when the source is not a saved model, nothing in it matches, a
  ///   tensor `copiedLayers` asks for is missing or shaped differently, a layer name is unknown,
  ///   or every layer would be frozen.
  public func apply(to network: Sequential) throws(TransferError) -> TransferReport {
    let frozen = try frozenLayers?.resolve(in: network, option: "--freeze") ?? []
    let trainable = network.parameters.map(\.layerName)
    if !trainable.isEmpty && trainable.allSatisfy(frozen.contains) { throw .everythingFrozen(layers: frozen) }
    let selected = try copiedLayers?.resolve(in: network, option: "--init-layers")
    let tensors = network.parameters + network.buffers
    var origins: [TransferReport.Origin] = []
    var copies: [(Parameter, Tensor)] = []
    var file: String?
    var unused: [String] = []
    if let source {
      let path = try Self.weightsFile(for: source)
      file = path
      let saved = try Self.read(URL(fileURLWithPath: path), source: source)
      for tensor in tensors {
        if let selected, !selected.contains(tensor.layerName) {
          origins.append(.fresh(.notSelected))
          continue
        }
        guard let value = saved[tensor.name] else {
          if selected != nil { throw .missingTensor(name: tensor.name, file: path) }
          origins.append(.fresh(.missingInSource))
          continue
        }
        guard value.shape == tensor.value.shape else {
          if selected != nil {
            throw .shapeMismatch(name: tensor.name, expected: tensor.value.shape, found: value.shape, file: path)
          }
          origins.append(.fresh(.shapeInSource(value.shape)))
          continue
        }
        origins.append(.copied)
      }
      // A layer is copied whole: a tensor that matches stays fresh when another of its layer does not.
      var mismatched: [String: String] = [:]
      for (tensor, origin) in zip(tensors, origins) where origin != .copied && mismatched[tensor.layerName] == nil {
        mismatched[tensor.layerName] = tensor.name
      }
      for index in tensors.indices where origins[index] == .copied {
        if let other = mismatched[tensors[index].layerName] {
          origins[index] = .fresh(.layerMismatch(other))
        } else if let value = saved[tensors[index].name] {
          copies.append((tensors[index], value))
        }
      }
      if copies.isEmpty {
        throw .nothingMatches(file: path, detail: Self.mismatches(tensors, origins))
      }
      let names = Set(tensors.map(\.name))
      unused = saved.keys.filter { !names.contains($0) }.sorted()
    } else {
      origins = tensors.map { _ in .fresh(.noSource) }
    }
    for (parameter, value) in copies { parameter.value = value }
    network.freeze(layers: frozen)
    let parameterCount = network.parameters.count
    let rows = tensors.enumerated().map { index, tensor in
      TransferReport.Row(
        name: tensor.name, shape: tensor.value.shape, origin: origins[index],
        role: index >= parameterCount ? .buffer : tensor.isFrozen ? .frozen : .trained)
    }
    return TransferReport(
      source: file, copiedLayers: selected, frozenLayers: frozen, rows: rows, unusedSourceTensors: unused)
  }

  /// The weights file `path` names: `path/weights.safetensors` for a folder, `path` for a file,
  /// spelled as `path` is (a relative path stays relative).
  ///
  /// - Throws: `TransferError.notASavedModel` when there is no such path or the folder has no
  ///   weights file.
  public static func weightsFile(for path: String) throws(TransferError) -> String {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw .notASavedModel(path: path, detail: "no such file or folder")
    }
    guard isDirectory.boolValue else { return path }
    let weights = (path.hasSuffix("/") ? path : path + "/") + weightsFile
    guard FileManager.default.fileExists(atPath: weights) else {
      throw .notASavedModel(
        path: path,
        detail: "it has no \(weightsFile) (a model folder holds model.json and \(weightsFile), a run or agent folder agent.yaml and \(weightsFile); or name a .safetensors file)")
    }
    return weights
  }

  private static func read(_ url: URL, source: String) throws(TransferError) -> [String: Tensor] {
    do {
      return try SafeTensors.read(url).tensors
    } catch {
      throw .notASavedModel(path: source, detail: "\(error)")
    }
  }

  /// Why the first few tensors were not copied, for the "nothing matches" error.
  private static func mismatches(_ tensors: [Parameter], _ origins: [TransferReport.Origin]) -> String {
    var parts: [String] = []
    for (tensor, origin) in zip(tensors, origins) {
      switch origin {
      case .fresh(.shapeInSource(let shape)): parts.append("\(tensor.name): \(shape) there, \(tensor.value.shape) here")
      case .fresh(.missingInSource): parts.append("\(tensor.name): not in the file")
      default: continue
      }
    }
    return (parts.prefix(5) + (parts.count > 5 ? ["…"] : [])).joined(separator: "; ")
  }
}
