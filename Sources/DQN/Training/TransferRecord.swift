import NeuralNetwork
import Yams

/// Where a run's first weights came from and which layers it keeps frozen: the `transfer:` key
/// of `agent.yaml`, written only for runs started with `--init-from` or `--freeze` (older files,
/// and runs without those options, have none).
///
/// `--resume` freezes `frozen` again, so a continued run trains exactly the layers it trained
/// before; the weights themselves come from the checkpoint, never again from `initFrom`.
public struct TransferRecord: Sendable, Equatable {
  /// The weights file the online network was initialised from; nil when only `--freeze` was given.
  public var initFrom: String?
  /// The layers `--init-layers` chose; nil when every matching layer was copied.
  public var initLayers: [String]?
  /// The tensors copied from `initFrom`.
  public var copied: [String]
  /// The frozen layers.
  public var frozen: [String]

  public init(initFrom: String? = nil, initLayers: [String]? = nil, copied: [String] = [], frozen: [String] = []) {
    self.initFrom = initFrom
    self.initLayers = initLayers
    self.copied = copied
    self.frozen = frozen
  }

  /// What `report` did.
  public init(_ report: TransferReport) {
    self.init(
      initFrom: report.source, initLayers: report.copiedLayers, copied: report.copiedTensors,
      frozen: report.frozenLayers)
  }

  /// The YAML mapping: `initFrom` (when set), `initLayers` (when set), `copied`, `frozen`.
  var yamlNode: Node {
    func list(_ names: [String]) -> Node { Node(names.map { Node($0) }, .implicit, .flow) }
    var pairs: [(Node, Node)] = []
    if let initFrom { pairs.append((Node("initFrom"), Node(initFrom))) }
    if let initLayers { pairs.append((Node("initLayers"), list(initLayers))) }
    pairs.append((Node("copied"), list(copied)))
    pairs.append((Node("frozen"), list(frozen)))
    return .mapping(Node.Mapping(pairs))
  }

  /// Reads the mapping `yamlNode` writes.
  ///
  /// - Throws: `TrainingError.corruptRun` naming `file` and the key.
  init(node: Node, file: String) throws(TrainingError) {
    guard let mapping = node.mapping else {
      throw .corruptRun(file: file, detail: "key 'transfer' must be a mapping (initFrom, initLayers, copied, frozen)")
    }
    for key in mapping.keys.compactMap(\.string) where !["initFrom", "initLayers", "copied", "frozen"].contains(key) {
      throw .corruptRun(file: file, detail: "key 'transfer.\(key)' is not known (allowed: initFrom, initLayers, copied, frozen)")
    }
    func list(_ key: String) throws(TrainingError) -> [String]? {
      guard let value = mapping[key] else { return nil }
      guard let items = value.sequence, case let names = items.compactMap(\.string), names.count == items.count else {
        throw .corruptRun(file: file, detail: "key 'transfer.\(key)' must be a list of names")
      }
      return names
    }
    if let value = mapping["initFrom"] {
      guard let path = value.string else { throw .corruptRun(file: file, detail: "key 'transfer.initFrom' must be a path") }
      initFrom = path
    }
    initLayers = try list("initLayers")
    copied = try list("copied") ?? []
    frozen = try list("frozen") ?? []
  }
}
