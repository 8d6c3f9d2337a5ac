/// Repeats each action `skip` times, summing the rewards and stopping early when the episode
/// ends; the frame is the pixel-wise maximum of the last two frames (removing flicker), as in
/// the DQN Atari setup.
public struct FrameSkip<Base: Environment>: EnvironmentWrapper {
  public private(set) var base: Base
  /// Repeats per action (≥ 1; 1 passes steps through unchanged).
  public let skip: Int

  /// - Precondition: `skip >= 1`.
  public init(_ base: Base, skip: Int) {
    precondition(skip >= 1, "frame skip must be >= 1, got \(skip)")
    self.base = base
    self.skip = skip
  }

  public var actionSpace: ActionSpace { base.actionSpace }
  public var frameShape: FrameShape { base.frameShape }

  public mutating func reset(seed: UInt64) -> Frame { base.reset(seed: seed) }

  public mutating func step(_ action: Int) -> Step {
    var step = base.step(action)
    if skip == 1 { return step }
    var reward = step.reward
    var previous: Frame?
    var repeats = 1
    while repeats < skip && !step.isEpisodeOver {
      previous = step.frame
      step = base.step(action)
      reward += step.reward
      repeats += 1
    }
    if let previous { step.frame = Self.maximum(previous, step.frame) }
    step.reward = reward
    return step
  }

  /// The pixel-wise maximum of two frames of the same shape.
  public static func maximum(_ first: Frame, _ second: Frame) -> Frame {
    precondition(first.shape == second.shape, "max-pool needs equal shapes, got \(first.shape) and \(second.shape)")
    var result = second
    result.pixels.withUnsafeMutableBufferPointer { out in
      first.pixels.withUnsafeBufferPointer { a in
        for index in 0..<out.count where a[index] > out[index] { out[index] = a[index] }
      }
    }
    return result
  }
}
