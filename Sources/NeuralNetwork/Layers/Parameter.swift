/// A named, trainable tensor and the gradient of the loss with respect to it.
///
/// The name (`conv1.weight`) is stable: it is the safetensors key and the key optimizers keep their
/// state under, and target networks copy parameters by it.
public final class Parameter {
  public let name: String
  /// The values. Every change (assignment, or a mutation through the property, in place or not)
  /// advances `version`.
  public var value: Tensor {
    didSet { version &+= 1 }
  }
  /// Counts the changes of `value`: layers that keep something derived from it (Dense's packed
  /// weights) compare versions to know when to derive it again.
  public private(set) var version = 0
  public var gradient: Tensor
  /// Whether L2 weight decay applies (true for weights, false for biases and normalisation shifts).
  public let decays: Bool
  /// Whether the parameter is kept fixed: optimizers skip it (no step, no weight decay, no state)
  /// and gradient clipping leaves it out. Set by `Sequential.freeze(layers:)`, the only place that
  /// changes it, so a network always knows which of its layers need no backward.
  public internal(set) var isFrozen = false

  public init(name: String, value: Tensor, decays: Bool = true) {
    self.name = name
    self.value = value
    self.gradient = Tensor(shape: value.shape)
    self.decays = decays
  }

  /// The layer it belongs to, as saved files spell it: the name up to its last dot (`conv1` for
  /// `conv1.weight`, `bn1` for `bn1.running_mean`). `--freeze` and `--init-layers` take these names.
  public var layerName: String {
    guard let dot = name.lastIndex(of: ".") else { return name }
    return String(name[..<dot])
  }

  /// Sets the gradient to zero.
  public func zeroGradient() {
    gradient.fill(with: 0)
  }
}

extension Parameter: CustomStringConvertible {
  public var description: String { "\(name) \(value.shape)" }
}
