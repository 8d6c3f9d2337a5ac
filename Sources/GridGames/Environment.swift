/// A reinforcement-learning environment with Gymnasium semantics and discrete actions.
///
/// `reset(seed:)` starts an episode and returns its first frame; `step(_:)` advances it by one
/// action. All randomness comes from the environment's own generator, seeded by `reset(seed:)`,
/// so a seed plus a list of actions reproduces an episode frame for frame.
public protocol Environment {
  /// The discrete actions this environment accepts, `0..<actionSpace.count`.
  var actionSpace: ActionSpace { get }
  /// The shape of every frame this environment hands out.
  var frameShape: FrameShape { get }
  /// Starts a new episode from `seed` and returns its first frame.
  mutating func reset(seed: UInt64) -> Frame
  /// Advances the episode by one action.
  ///
  /// - Precondition: an episode is running (`reset(seed:)` was called and no step since has
  ///   returned `terminated` or `truncated`), and `action` is in `0..<actionSpace.count`.
  mutating func step(_ action: Int) -> Step
}

/// The size of a frame: `height × width × channels` bytes, interleaved.
public struct FrameShape: Sendable, Equatable, Hashable, CustomStringConvertible {
  public var height: Int
  public var width: Int
  /// 1 for grayscale, 3 for RGB.
  public var channels: Int

  public init(height: Int, width: Int, channels: Int) {
    self.height = height
    self.width = width
    self.channels = channels
  }

  /// The number of bytes in a frame of this shape.
  public var byteCount: Int { height * width * channels }

  public var description: String { "\(height)×\(width)×\(channels)" }
}
