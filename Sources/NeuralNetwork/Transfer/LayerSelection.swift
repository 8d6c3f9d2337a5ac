import Foundation

/// Layer names as a user gives them to `--freeze` or `--init-layers`: the names the saved files
/// use (`conv1`, `fc1`, `value1`, …: `Parameter.layerName`; `dqn inspect` lists them), and
/// `torso`, which means the layers before the network's `Flatten`: its convolutions, whose weights
/// do not depend on the image size (`conv1` for simple-cnn and the MinAtar Q-network, `conv1`–`conv3`
/// for the Nature one).
public struct LayerSelection: Sendable, Equatable {
  /// The name that stands for the layers before the network's `Flatten`.
  public static let torso = "torso"

  /// The names as given, in order.
  public var names: [String]

  public init(_ names: [String]) { self.names = names }

  /// A comma-separated list (`conv1,conv2`); blanks around names and empty entries are dropped.
  public init(parsing text: String) {
    names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  }

  /// The network's layer names this selection stands for, in the network's order.
  ///
  /// - Parameter option: how the user gave the names (`--freeze`), for the error.
  /// - Throws: `TransferError.unknownLayer` for a name the network does not have, `.noTorso` for
  ///   `torso` in a network without layers before its `Flatten`.
  public func resolve(in network: Sequential, option: String) throws(TransferError) -> [String] {
    let layers = network.layerNames
    let torso = network.torsoLayerNames
    var chosen = Set<String>()
    for name in names {
      if layers.contains(name) {
        chosen.insert(name)
      } else if name == Self.torso {
        guard !torso.isEmpty else { throw .noTorso(option: option, layers: layers) }
        chosen.formUnion(torso)
      } else {
        throw .unknownLayer(name: name, option: option, layers: layers, torso: torso)
      }
    }
    return layers.filter(chosen.contains)
  }
}
