/// Layers applied one after another; backward runs them in reverse.
///
/// It runs its layers exactly as given; the only thing it sets on them is `computesInputGradient`
/// (the first layer's from the initialiser's argument, true for the rest). A convolution followed
/// by a ReLU is fastest built as one layer, `Conv2D(…, activation: .relu)`, where the network is
/// described.
///
/// When leading layers are frozen (`freeze(layers:)`) and the network's input needs no gradient,
/// backward stops at the first layer that trains: the frozen layers before it get no backward at
/// all (no weight gradients, no input gradients), and that layer computes no input gradient.
public final class Sequential: Layer {
  public let layers: [Layer]
  public var computesInputGradient: Bool {
    didSet { setInputGradientFlags() }
  }
  /// How many leading layers hold no trained parameter: frozen ones, and the parameterless layers
  /// among them. 0 while nothing is frozen. Set by `freeze(layers:)`.
  public internal(set) var frozenPrefixCount = 0 {
    didSet { setInputGradientFlags() }
  }

  /// - Parameter computesInputGradient: false for a whole network, whose input needs no gradient
  ///   (saves the first layer's col2im and one matrix product).
  public init(_ layers: [Layer], computesInputGradient: Bool = true) {
    precondition(!layers.isEmpty, "Sequential needs at least one layer")
    self.layers = layers
    parameters = layers.flatMap(\.parameters)
    buffers = layers.flatMap(\.buffers)
    self.computesInputGradient = computesInputGradient
    setInputGradientFlags()
  }

  /// Every layer's parameters, collected once: a layer's parameter objects never change, and
  /// `zeroGradients()` on every update must not build the list again (it would allocate).
  public let parameters: [Parameter]
  public let buffers: [Parameter]

  public func outputShape(for inputShape: [Int]) -> [Int] {
    layers.reduce(inputShape) { shape, layer in layer.outputShape(for: shape) }
  }

  public func forward(_ input: Tensor, training: Bool) -> Tensor {
    var activation = input
    for layer in layers { activation = layer.forward(activation, training: training) }
    return activation
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    var gradient = outputGradient
    let start = backwardStart
    var index = layers.count
    while index > start {
      index -= 1
      gradient = layers[index].backward(gradient)
    }
    return gradient
  }

  /// The first layer backward runs: past the frozen prefix when the input needs no gradient.
  private var backwardStart: Int {
    computesInputGradient ? 0 : min(frozenPrefixCount, layers.count)
  }

  /// The layer backward stops at computes no input gradient unless the network's input needs one;
  /// every other layer does.
  private func setInputGradientFlags() {
    let start = backwardStart
    for index in layers.indices {
      layers[index].computesInputGradient = index != start || computesInputGradient
    }
  }

  public var description: String {
    "Sequential(\n" + layers.map { "  \($0)" }.joined(separator: "\n") + "\n)"
  }
}
