/// The geometry of a 2-D sliding window (convolution or pooling) over an NCHW batch.
public struct WindowGeometry: Sendable, Equatable {
  public var batch, channels, height, width: Int
  public var kernelHeight, kernelWidth, stride, padding: Int

  public init(
    batch: Int, channels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int,
    stride: Int, padding: Int
  ) {
    precondition(kernelHeight > 0 && kernelWidth > 0 && stride > 0 && padding >= 0,
      "Bad window: kernel \(kernelHeight)×\(kernelWidth), stride \(stride), padding \(padding)")
    self.batch = batch
    self.channels = channels
    self.height = height
    self.width = width
    self.kernelHeight = kernelHeight
    self.kernelWidth = kernelWidth
    self.stride = stride
    self.padding = padding
    precondition(outputHeight > 0 && outputWidth > 0,
      "Window \(kernelHeight)×\(kernelWidth)/\(stride) pad \(padding) does not fit \(height)×\(width)")
  }

  public var outputHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
  public var outputWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
  /// Rows of the column matrix: one per output position, `N·outH·outW`.
  public var columnRows: Int { batch * outputHeight * outputWidth }
  /// Columns of the column matrix: one per kernel tap, `C·kH·kW`.
  public var columnWidth: Int { channels * kernelHeight * kernelWidth }
}
