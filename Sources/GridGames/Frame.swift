/// One observation image: `height × width × channels` bytes, row-major, channels interleaved.
///
/// `channels` is 1 (grayscale) or 3 (RGB, in R, G, B order).
public struct Frame: Sendable, Equatable, Hashable {
  public var height: Int
  public var width: Int
  public var channels: Int
  /// `pixels[(y * width + x) * channels + c]`.
  public var pixels: [UInt8]

  public init(height: Int, width: Int, channels: Int, pixels: [UInt8]) {
    precondition(
      pixels.count == height * width * channels,
      "Frame \(height)×\(width)×\(channels) needs \(height * width * channels) bytes, got \(pixels.count)")
    self.height = height
    self.width = width
    self.channels = channels
    self.pixels = pixels
  }

  /// A frame of `shape` filled with `value`.
  public init(shape: FrameShape, value: UInt8 = 0) {
    self.init(
      height: shape.height, width: shape.width, channels: shape.channels,
      pixels: [UInt8](repeating: value, count: shape.byteCount))
  }

  /// The frame's shape.
  public var shape: FrameShape { FrameShape(height: height, width: width, channels: channels) }

  /// The byte at row `y`, column `x`, channel `channel`.
  public subscript(y: Int, x: Int, channel: Int) -> UInt8 {
    pixels[(y * width + x) * channels + channel]
  }
}
