/// Layers applied one after another; backward runs them in reverse.
public final class Sequential: Layer {
  public let layers: [Layer]
  public var computesInputGradient: Bool {
    didSet { layers.first?.computesInputGradient = computesInputGradient }
  }

  /// - Parameter computesInputGradient: false for a whole network, whose input needs no gradient
  ///   (saves the first layer's col2im and one matrix product).
  /// What `forward` and `backward` run: `layers`, less each ReLU that directly follows a `Conv2D`
  /// (the convolution applies it while adding its bias; see `Conv2D.appliesReLU`).
  private let schedule: [Layer]

  public init(_ layers: [Layer], computesInputGradient: Bool = true) {
    precondition(!layers.isEmpty, "Sequential needs at least one layer")
    self.layers = layers
    self.computesInputGradient = computesInputGradient
    for layer in layers.dropFirst() { layer.computesInputGradient = true }
    layers.first?.computesInputGradient = computesInputGradient
    var schedule: [Layer] = []
    for (index, layer) in layers.enumerated() {
      if let activation = layer as? Activation, activation.kind == .relu,
        let convolution = schedule.last as? Conv2D, !convolution.appliesReLU
      {
        convolution.appliesReLU = true
        continue
      }
      if let convolution = layer as? Conv2D, convolution.appliesReLU {
        let next = index + 1 < layers.count ? layers[index + 1] as? Activation : nil
        precondition(
          next?.kind == .relu,
          "\(convolution.name) already has a ReLU folded in by another Sequential; build a new Conv2D for this one")
      }
      schedule.append(layer)
    }
    self.schedule = schedule
  }

  public var parameters: [Parameter] { layers.flatMap(\.parameters) }
  public var buffers: [Parameter] { layers.flatMap(\.buffers) }

  public func outputShape(for inputShape: [Int]) -> [Int] {
    layers.reduce(inputShape) { shape, layer in layer.outputShape(for: shape) }
  }

  public func forward(_ input: Tensor, training: Bool) -> Tensor {
    var activation = input
    for layer in schedule { activation = layer.forward(activation, training: training) }
    return activation
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    var gradient = outputGradient
    for layer in schedule.reversed() { gradient = layer.backward(gradient) }
    return gradient
  }

  public var description: String {
    "Sequential(\n" + layers.map { "  \($0)" }.joined(separator: "\n") + "\n)"
  }
}
