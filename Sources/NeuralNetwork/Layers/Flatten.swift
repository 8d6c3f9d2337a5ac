/// Reshapes `[N, …]` to `[N, features]` and back in backward.
public final class Flatten: Layer {
  public var computesInputGradient = true
  private var cachedShape: [Int] = []
  // The last output shapes, updated in place so forward allocates nothing; training and inference
  // keep their own (acting on one observation between batches would otherwise rebuild them).
  private var trainingShape: [Int] = [0, 0]
  private var inferenceShape: [Int] = [0, 0]

  public init() {}

  public func outputShape(for inputShape: [Int]) -> [Int] { [inputShape.reduce(1, *)] }

  public func forward(_ input: Tensor, training: Bool) -> Tensor {
    let batch = input.batchSize
    if training { cachedShape = input.shape }
    let features = input.count / max(batch, 1)
    if training {
      Self.update(&trainingShape, batch, features)
      return input.reshaped(to: trainingShape)
    }
    Self.update(&inferenceShape, batch, features)
    return input.reshaped(to: inferenceShape)
  }

  private static func update(_ shape: inout [Int], _ batch: Int, _ features: Int) {
    if shape[0] != batch { shape[0] = batch }
    if shape[1] != features { shape[1] = features }
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    precondition(!cachedShape.isEmpty, "Flatten.backward called without a training forward")
    defer { cachedShape = [] }
    guard computesInputGradient else { return .empty }
    return outputGradient.reshaped(to: cachedShape)
  }

  public var description: String { "Flatten" }
}
