import GridGames
import NeuralNetwork

/// The acting path's frame stack: a `[1, k·C, H, W]` tensor of the last `k` frames, oldest
/// first, with the episode's first frame repeated after a reset (as the replay stacks them).
public struct ObservationStack {
  public let frameShape: FrameShape
  public let depth: Int
  /// `[1, depth · C, H, W]`, in [0, 1].
  public private(set) var observation: Tensor

  public init(frameShape: FrameShape, depth: Int) {
    precondition(depth >= 1, "ObservationStack needs depth ≥ 1, got \(depth)")
    self.frameShape = frameShape
    self.depth = depth
    observation = Tensor(shape: [1, depth * frameShape.channels, frameShape.height, frameShape.width])
  }

  /// Starts an episode: `frame` fills every position.
  public mutating func reset(with frame: Frame) {
    for position in 0..<depth { write(frame, at: position) }
  }

  /// Appends `frame`, dropping the oldest.
  public mutating func push(_ frame: Frame) {
    let floats = frameShape.byteCount
    if depth > 1 {
      observation.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        base.update(from: base + floats, count: (depth - 1) * floats)
      }
    }
    write(frame, at: depth - 1)
  }

  private mutating func write(_ frame: Frame, at position: Int) {
    precondition(frame.shape == frameShape, "frame \(frame.shape) does not fit the stack's \(frameShape)")
    let shape = frameShape
    observation.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      frame.pixels.withUnsafeBufferPointer { pixels in
        guard let source = pixels.baseAddress else { return }
        FramePixels.write(source, shape: shape, into: base + position * shape.byteCount)
      }
    }
  }
}
