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
  /// The gradient. `zeroGradient()` only notes that it is zero: the zeros are written when it is
  /// next read or changed through this property, or never, when a backward writes all of it through
  /// `accumulateGradient(_:)` first (a dense layer's weight gradient: a pass over 512 KB saved
  /// per MinAtar update, and the loads of what it overwrote).
  public var gradient: Tensor {
    get {
      writePendingZeros()
      return storedGradient
    }
    set {
      storedGradient = newValue
      zerosPending = false
    }
    _modify {
      writePendingZeros()
      yield &storedGradient
    }
  }
  private var storedGradient: Tensor
  /// Whether the gradient is zero without `storedGradient` holding the zeros yet.
  private var zerosPending = false
  /// Whether L2 weight decay applies (true for weights, false for biases and normalisation shifts).
  public let decays: Bool
  /// Whether the parameter is kept fixed: optimizers skip it (no step, no weight decay, no state)
  /// and gradient clipping leaves it out. Set by `Sequential.freeze(layers:)`, the only place that
  /// changes it, so a network always knows which of its layers need no backward.
  public internal(set) var isFrozen = false

  public init(name: String, value: Tensor, decays: Bool = true) {
    self.name = name
    self.value = value
    self.storedGradient = Tensor(shape: value.shape)
    self.decays = decays
  }

  /// The layer it belongs to, as saved files spell it: the name up to its last dot (`conv1` for
  /// `conv1.weight`, `bn1` for `bn1.running_mean`). `--freeze` and `--init-layers` take these names.
  public var layerName: String {
    guard let dot = name.lastIndex(of: ".") else { return name }
    return String(name[..<dot])
  }

  /// Sets the gradient to zero (the zeros are written when the gradient is next used, if at all:
  /// see `gradient`).
  public func zeroGradient() {
    zerosPending = true
  }

  /// Runs `body` on the gradient's floats to add a contribution to them. When `ontoZeros`, they
  /// are zeros not written yet, and `body` must write every one of them as `0 + contribution`
  /// (CKernels' `CKERNELS_ONTO_ZEROS`), which gives the bits adding to written zeros would;
  /// otherwise it adds to what they hold.
  public func accumulateGradient<R>(_ body: (UnsafeMutableBufferPointer<Float>, _ ontoZeros: Bool) throws -> R) rethrows -> R {
    let ontoZeros = zerosPending
    zerosPending = false
    return try storedGradient.withUnsafeMutableBufferPointer { try body($0, ontoZeros) }
  }

  private func writePendingZeros() {
    guard zerosPending else { return }
    storedGradient.fill(with: 0)
    zerosPending = false
  }
}

extension Parameter: CustomStringConvertible {
  public var description: String { "\(name) \(value.shape)" }
}
