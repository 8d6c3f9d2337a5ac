/// Layers applied one after another; backward runs them in reverse.
///
/// It runs its layers exactly as given; the only thing it sets on them is `computesInputGradient`
/// (the first layer's from the initialiser's argument, true for the rest). A convolution followed
/// by a ReLU is fastest built as one layer, `Conv2D(…, activation: .relu)`, where the network is
/// described.
public final class Sequential: Layer {
  public let layers: [Layer]
  public var computesInputGradient: Bool {
    didSet { layers.first?.computesInputGradient = computesInputGradient }
  }

  /// - Parameter computesInputGradient: false for a whole network, whose input needs no gradient
  ///   (saves the first layer's col2im and one matrix product).
  public init(_ layers: [Layer], computesInputGradient: Bool = true) {
    precondition(!layers.isEmpty, "Sequential needs at least one layer")
    self.layers = layers
    self.computesInputGradient = computesInputGradient
    for layer in layers.dropFirst() { layer.computesInputGradient = true }
    layers.first?.computesInputGradient = computesInputGradient
  }

  public var parameters: [Parameter] { layers.flatMap(\.parameters) }
  public var buffers: [Parameter] { layers.flatMap(\.buffers) }

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
    for layer in layers.reversed() { gradient = layer.backward(gradient) }
    return gradient
  }

  public var description: String {
    "Sequential(\n" + layers.map { "  \($0)" }.joined(separator: "\n") + "\n)"
  }
}
