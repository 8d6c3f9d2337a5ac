import ArgumentParser
import NeuralNetwork

/// `--init-from`, `--init-layers` and `--freeze`: starting a network from a saved one's weights
/// and choosing what trains, shared by `dqn train` and `dqn supervised train`.
struct TransferOptions: ParsableArguments {
  @Option(help: ArgumentHelp(
    "Start from a saved network's weights: a model folder, a run or agent folder, or a .safetensors file.",
    discussion: """
      Every layer whose tensors match the new network's by name and shape is copied; the others \
      keep the fresh initialisation of --seed. A table of every tensor (copied, or fresh and why; \
      frozen or trained) is printed before training. A source with nothing that matches is an error.
      """,
    valueName: "path"))
  var initFrom: String?

  @Option(help: ArgumentHelp(
    "With --init-from: copy only these layers (comma-separated), e.g. conv1 or torso.",
    discussion: "Then a tensor of these layers that is missing from the source, or shaped differently there, is an error.",
    valueName: "layers"))
  var initLayers: String?

  @Option(help: ArgumentHelp(
    "Keep these layers fixed while training (comma-separated), e.g. conv1,conv2 or torso.",
    discussion: """
      The optimizer never touches them and keeps no state for them; when they come first in the \
      network, backward skips them. Layer names are the ones saved files use: `dqn inspect \
      MODEL_OR_RUN` lists them. torso means the layers before the network's Flatten: its convolutions.
      """,
    valueName: "layers"))
  var freeze: String?

  func validate() throws {
    if initLayers != nil && initFrom == nil { throw ValidationError("--init-layers chooses what --init-from copies: pass --init-from too") }
    if let initLayers, LayerSelection(parsing: initLayers).names.isEmpty {
      throw ValidationError("--init-layers needs at least one layer name")
    }
    if let freeze, LayerSelection(parsing: freeze).names.isEmpty {
      throw ValidationError("--freeze needs at least one layer name")
    }
  }

  /// What the options ask for; nil when none is given.
  var transfer: NetworkTransfer? {
    guard initFrom != nil || freeze != nil else { return nil }
    return NetworkTransfer(
      source: initFrom, copiedLayers: initLayers.map(LayerSelection.init(parsing:)),
      frozenLayers: freeze.map(LayerSelection.init(parsing:)))
  }

  /// Whether any option is given.
  var isEmpty: Bool { initFrom == nil && initLayers == nil && freeze == nil }
}
