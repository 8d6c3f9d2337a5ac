/// The square window shared by the pooling layers: kernel, stride (the kernel by default) and padding.
public struct PoolingWindow: Sendable, Equatable {
  public let kernelSize: Int
  public let stride: Int
  public let padding: Int

  public init(kernelSize: Int, stride: Int?, padding: Int, layer: String) {
    let stride = stride ?? kernelSize
    precondition(kernelSize > 0 && stride > 0 && padding >= 0 && padding * 2 <= kernelSize,
      "Bad \(layer): kernel \(kernelSize), stride \(stride), padding \(padding)")
    self.kernelSize = kernelSize
    self.stride = stride
    self.padding = padding
  }

  /// The window over an `[N, C, H, W]` batch.
  public func geometry(_ shape: [Int]) -> WindowGeometry {
    WindowGeometry(
      batch: shape[0], channels: shape[1], height: shape[2], width: shape[3],
      kernelHeight: kernelSize, kernelWidth: kernelSize, stride: stride, padding: padding)
  }

  /// The per-sample output shape `[C, outH, outW]` for a per-sample input shape `[C, H, W]`.
  public func outputShape(for inputShape: [Int]) -> [Int] {
    let g = geometry([1] + inputShape)
    return [inputShape[0], g.outputHeight, g.outputWidth]
  }
}
