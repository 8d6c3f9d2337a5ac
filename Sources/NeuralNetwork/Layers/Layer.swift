/// A differentiable stage of a network with the book's explicit forward/backward (no tape).
public protocol Layer: AnyObject, CustomStringConvertible {
  /// Returns the output. When `training` is true, also caches what `backward(_:)` needs;
  /// when false it never touches those caches, so inference may run between a training forward
  /// and its backward (as Double DQN does).
  func forward(_ input: Tensor, training: Bool) -> Tensor
  /// Returns ∂loss/∂input for the last training forward and accumulates parameter gradients.
  ///
  /// - Precondition: a training forward ran since the last backward.
  func backward(_ outputGradient: Tensor) -> Tensor
  /// Trainable parameters in a stable order.
  var parameters: [Parameter] { get }
  /// Saved but not trained tensors (BatchNorm's running statistics).
  var buffers: [Parameter] { get }
  /// The per-sample output shape for a per-sample input shape (both without the batch dimension).
  func outputShape(for inputShape: [Int]) -> [Int]
  /// When false, `backward` may skip computing ∂loss/∂input (a network's first layer) and
  /// returns an empty tensor.
  var computesInputGradient: Bool { get set }
}

extension Layer {
  public var parameters: [Parameter] { [] }
  public var buffers: [Parameter] { [] }

  /// Inference sugar: `network(input)` is `forward(input, training: false)`.
  public func callAsFunction(_ input: Tensor) -> Tensor { forward(input, training: false) }

  /// Sets every parameter's gradient to zero.
  public func zeroGradients() {
    for parameter in parameters { parameter.zeroGradient() }
  }
}

/// Checks a cached training input before `backward`, naming the layer when it is missing.
@inline(__always)
func requireCachedInput(_ input: Tensor, layer: String) {
  precondition(input.count > 0, "\(layer).backward called without a training forward")
}
