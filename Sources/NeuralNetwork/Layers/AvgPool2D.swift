/// Average pooling over `kernel×kernel` windows; padded taps count as zeros (PyTorch's default).
public final class AvgPool2D: Layer {
  public let window: PoolingWindow
  public var kernelSize: Int { window.kernelSize }
  public var stride: Int { window.stride }
  public var padding: Int { window.padding }
  public var computesInputGradient = true

  private var geometry: WindowGeometry?
  private var trainingOutput = Tensor.empty
  private var inferenceOutput = Tensor.empty
  private var inputGradient = Tensor.empty

  public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
    window = PoolingWindow(kernelSize: kernelSize, stride: stride, padding: padding, layer: "AvgPool2D")
  }

  private func makeGeometry(_ shape: [Int]) -> WindowGeometry { window.geometry(shape) }

  public func outputShape(for inputShape: [Int]) -> [Int] { window.outputShape(for: inputShape) }

  public func forward(_ input: Tensor, training: Bool) -> Tensor {
    precondition(input.rank == 4, "\(self) expects [N, C, H, W], got \(input.shape)")
    let g = makeGeometry(input.shape)
    if training { geometry = g }
    var output = training ? trainingOutput : inferenceOutput
    if training { trainingOutput = .empty } else { inferenceOutput = .empty }
    output.resize(g.batch, g.channels, g.outputHeight, g.outputWidth)
    let scale = 1 / Float(kernelSize * kernelSize)
    input.withUnsafeBufferPointer { x in
      output.withUnsafeMutableBufferPointer { y in
        visitWindows(g) { o, index in y[o] += x[index] * scale } reset: { o in y[o] = 0 }
      }
    }
    if training { trainingOutput = output } else { inferenceOutput = output }
    return output
  }

  /// Calls `body(outputIndex, inputIndex)` for every in-image tap of every window.
  private func visitWindows(
    _ g: WindowGeometry, _ body: (Int, Int) -> Void, reset: (Int) -> Void
  ) {
    var o = 0
    for plane in 0..<(g.batch * g.channels) {
      let base = plane &* g.height &* g.width
      for oy in 0..<g.outputHeight {
        for ox in 0..<g.outputWidth {
          reset(o)
          let top = oy &* g.stride &- g.padding
          let left = ox &* g.stride &- g.padding
          for ky in 0..<g.kernelHeight {
            let yy = top &+ ky
            if yy < 0 || yy >= g.height { continue }
            for kx in 0..<g.kernelWidth {
              let xx = left &+ kx
              if xx < 0 || xx >= g.width { continue }
              body(o, base &+ yy &* g.width &+ xx)
            }
          }
          o &+= 1
        }
      }
    }
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    guard let g = geometry else { preconditionFailure("AvgPool2D.backward called without a training forward") }
    geometry = nil
    guard computesInputGradient else { return .empty }
    inputGradient.resize(g.batch, g.channels, g.height, g.width)
    inputGradient.fill(with: 0)
    let scale = 1 / Float(kernelSize * kernelSize)
    outputGradient.withUnsafeBufferPointer { dy in
      inputGradient.withUnsafeMutableBufferPointer { dx in
        visitWindows(g) { o, index in dx[index] += dy[o] * scale } reset: { _ in }
      }
    }
    return inputGradient
  }

  public var description: String { "AvgPool2D(\(kernelSize), stride \(stride), padding \(padding))" }
}
