extension Sequential {
  /// The names of its layers as the saved files spell them (`Parameter.layerName`), in order:
  /// every layer with parameters or buffers, nested ones (a dueling head's streams) included.
  public var layerNames: [String] {
    var names: [String] = []
    for tensor in parameters + buffers where !names.contains(tensor.layerName) { names.append(tensor.layerName) }
    return names
  }

  /// The names of the layers before its first `Flatten`: the convolutional feature extractor
  /// (what `torso` selects). Empty when the network starts with `Flatten` or has none.
  public var torsoLayerNames: [String] {
    guard let flatten = layers.firstIndex(where: { $0 is Flatten }) else { return [] }
    var names: [String] = []
    for layer in layers[..<flatten] {
      for tensor in layer.parameters + layer.buffers where !names.contains(tensor.layerName) {
        names.append(tensor.layerName)
      }
    }
    return names
  }

  /// The names of its frozen layers, in order.
  public var frozenLayerNames: [String] {
    var names: [String] = []
    for parameter in parameters where parameter.isFrozen && !names.contains(parameter.layerName) {
      names.append(parameter.layerName)
    }
    return names
  }

  /// Freezes exactly the layers named (each parameter whose `layerName` is one of them) and lets
  /// every other parameter train. Optimizers then skip the frozen parameters, and backward skips
  /// the leading layers that hold no trained parameter (`frozenPrefixCount`).
  ///
  /// - Precondition: every name is one of `layerNames` (resolve user input with `LayerSelection`).
  public func freeze(layers names: [String]) {
    let known = layerNames
    for name in names { precondition(known.contains(name), "freeze: the network has no layer '\(name)'") }
    let frozen = Set(names)
    for parameter in parameters { parameter.isFrozen = frozen.contains(parameter.layerName) }
    frozenPrefixCount =
      frozen.isEmpty
      ? 0 : layers.firstIndex { layer in layer.parameters.contains { !$0.isFrozen } } ?? layers.count
  }
}
