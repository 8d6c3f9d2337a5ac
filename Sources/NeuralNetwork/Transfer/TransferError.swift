import Foundation

/// Why `--init-from`, `--init-layers` or `--freeze` cannot be done; each case names the file, the
/// tensor or the option.
public enum TransferError: Error, CustomStringConvertible, LocalizedError, Equatable {
  /// The source is not a saved model: no such path, no weights file in the folder, or a file that
  /// is not safetensors.
  case notASavedModel(path: String, detail: String)
  /// A tensor of a layer that `--init-layers` asks for is not in the source.
  case missingTensor(name: String, file: String)
  /// A tensor of a layer that `--init-layers` asks for has another shape in the source.
  case shapeMismatch(name: String, expected: [Int], found: [Int], file: String)
  /// No tensor of the network has its name and shape in the source.
  case nothingMatches(file: String, detail: String)
  /// A layer name the network does not have.
  case unknownLayer(name: String, option: String, layers: [String], torso: [String])
  /// `torso` for a network without layers before its `Flatten`.
  case noTorso(option: String, layers: [String])
  /// `--freeze` names every layer that has parameters.
  case everythingFrozen(layers: [String])

  public var description: String {
    switch self {
    case .notASavedModel(let path, let detail):
      return "\(path) is not a saved model: \(detail)"
    case .missingTensor(let name, let file):
      return "\(file): has no tensor '\(name)', which --init-layers asks to copy"
    case .shapeMismatch(let name, let expected, let found, let file):
      return "\(file): tensor '\(name)' has shape \(found) there but \(expected) in the network, so --init-layers cannot copy it (leave its layer out to keep it fresh)"
    case .nothingMatches(let file, let detail):
      return "\(file): no tensor matches the network by name and shape, so there is nothing to copy (\(detail))"
    case .unknownLayer(let name, let option, let layers, let torso):
      let torsoText = torso.isEmpty ? "" : "; 'torso' means \(torso.joined(separator: ", "))"
      return "\(option): the network has no layer '\(name)' (its layers: \(layers.joined(separator: ", "))\(torsoText); `dqn inspect` lists a saved network's layers)"
    case .noTorso(let option, let layers):
      return "\(option) torso: the network has no torso (no layers before its Flatten, so no convolutions); its layers: \(layers.joined(separator: ", "))"
    case .everythingFrozen(let layers):
      return "--freeze: every layer would be frozen (\(layers.joined(separator: ", "))), so nothing would train"
    }
  }

  public var errorDescription: String? { description }
}
