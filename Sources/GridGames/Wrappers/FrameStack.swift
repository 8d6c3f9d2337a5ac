/// Stacks the last `count` frames into one observation of `height × width × (count · channels)`,
/// oldest first along the channel axis. After a reset the first frame fills every slot.
public struct FrameStack<Base: Environment>: EnvironmentWrapper {
  public private(set) var base: Base
  public let count: Int
  private var frames: [Frame] = []

  /// - Precondition: `count >= 1`.
  public init(_ base: Base, count: Int) {
    precondition(count >= 1, "frame stack must be >= 1, got \(count)")
    self.base = base
    self.count = count
  }

  public var actionSpace: ActionSpace { base.actionSpace }
  public var frameShape: FrameShape {
    let shape = base.frameShape
    return FrameShape(height: shape.height, width: shape.width, channels: shape.channels * count)
  }

  public mutating func reset(seed: UInt64) -> Frame {
    let first = base.reset(seed: seed)
    frames = [Frame](repeating: first, count: count)
    return stacked()
  }

  public mutating func step(_ action: Int) -> Step {
    var step = base.step(action)
    frames.removeFirst()
    frames.append(step.frame)
    step.frame = stacked()
    return step
  }

  private func stacked() -> Frame {
    let first = frames[0]
    let channels = first.channels
    let pixelCount = first.height * first.width
    let total = channels * count
    var pixels = [UInt8](repeating: 0, count: pixelCount * total)
    pixels.withUnsafeMutableBufferPointer { out in
      for (slot, frame) in frames.enumerated() {
        frame.pixels.withUnsafeBufferPointer { input in
          for pixel in 0..<pixelCount {
            for c in 0..<channels { out[pixel * total + slot * channels + c] = input[pixel * channels + c] }
          }
        }
      }
    }
    return Frame(height: first.height, width: first.width, channels: total, pixels: pixels)
  }
}
