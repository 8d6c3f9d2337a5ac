/// Reshapes `[N, …]` to `[N, features]` and back in backward.
public final class Flatten: Layer {
  public var computesInputGradient = true
  private var cachedShape: [Int] = []

  public init() {}

  public func outputShape(for inputShape: [Int]) -> [Int] { [inputShape.reduce(1, *)] }

  public func forward(_ input: Tensor, training: Bool) -> Tensor {
    let batch = input.batchSize
    if training { cachedShape = input.shape }
    return input.reshaped(to: [batch, input.count / max(batch, 1)])
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    precondition(!cachedShape.isEmpty, "Flatten.backward called without a training forward")
    defer { cachedShape = [] }
    guard computesInputGradient else { return .empty }
    return outputGradient.reshaped(to: cachedShape)
  }

  public var description: String { "Flatten" }
}
