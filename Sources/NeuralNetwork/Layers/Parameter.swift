/// A named, trainable tensor and the gradient of the loss with respect to it.
///
/// The name (`conv1.weight`) is stable: it is the safetensors key and the key optimizers keep their
/// state under, and target networks copy parameters by it.
public final class Parameter {
  public let name: String
  public var value: Tensor
  public var gradient: Tensor
  /// Whether L2 weight decay applies (true for weights, false for biases and normalisation shifts).
  public let decays: Bool

  public init(name: String, value: Tensor, decays: Bool = true) {
    self.name = name
    self.value = value
    self.gradient = Tensor(shape: value.shape)
    self.decays = decays
  }

  /// Sets the gradient to zero.
  public func zeroGradient() {
    gradient.fill(with: 0)
  }
}

extension Parameter: CustomStringConvertible {
  public var description: String { "\(name) \(value.shape)" }
}
