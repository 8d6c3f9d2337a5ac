import GridGames

/// What an actor sends the learner: consecutive steps of its environment copies, each with the
/// priority the actor estimated for it (its n-step TD error), and the episodes that ended.
///
/// Frames travel once per step, never as stacks: the learner's replay rebuilds stacks from each
/// copy's stream. An entry is a transition (`isTransition`), or an episode's final frame after its
/// last transition. Within one copy, entries are in the order they happened; a fragment may hold
/// several copies' entries interleaved. The arrays are parallel, one element per entry, so a
/// fragment crosses a process boundary as a few contiguous buffers (`encoded()`).
public struct ExperienceFragment: Sendable, Equatable {
  /// The actor that sent it (0-based over the whole job).
  public var actor: Int
  /// The actor's fragments are numbered 0, 1, 2, … so the learner can check none is lost or
  /// reordered.
  public var sequence: Int
  public var frameShape: FrameShape
  /// `count · frameShape.byteCount` bytes, one frame per entry.
  public var frames: [UInt8] = []
  /// The actor's environment copy of each entry.
  public var copies: [Int32] = []
  public var actions: [Int32] = []
  /// Rewards as the environment gave them (the learner clips them as it stores them).
  public var rewards: [Float] = []
  /// `flagTransition`, `flagTerminated`, `flagTruncated` bits; 0 for a final frame.
  public var flags: [UInt8] = []
  /// The actor's |TD error| estimate for transitions, 0 for final frames.
  public var priorities: [Float] = []
  /// Episodes that ended in this fragment: return and length, in the order they ended.
  public var episodes: [FinishedEpisode] = []

  public static let flagTransition: UInt8 = 1
  public static let flagTerminated: UInt8 = 2
  public static let flagTruncated: UInt8 = 4

  /// An episode an actor finished.
  public struct FinishedEpisode: Sendable, Equatable {
    public var episodeReturn: Double
    public var length: Int
    public var epsilon: Float
    public init(episodeReturn: Double, length: Int, epsilon: Float) {
      self.episodeReturn = episodeReturn
      self.length = length
      self.epsilon = epsilon
    }
  }

  public init(actor: Int, sequence: Int, frameShape: FrameShape) {
    self.actor = actor
    self.sequence = sequence
    self.frameShape = frameShape
  }

  /// Entries (transitions and final frames).
  public var count: Int { flags.count }
  /// Transitions (environment steps).
  public var transitions: Int { flags.reduce(0) { $0 + Int($1 & Self.flagTransition) } }

  /// Appends a transition taken in `frame`.
  public mutating func appendTransition(
    copy: Int, frame: Frame, action: Int, reward: Float, terminated: Bool, truncated: Bool, priority: Float
  ) {
    append(copy: copy, frame: frame, action: action, reward: reward,
           flags: Self.flagTransition | (terminated ? Self.flagTerminated : 0) | (truncated ? Self.flagTruncated : 0),
           priority: priority)
  }

  /// Appends an episode's final frame (after its last transition).
  public mutating func appendFinal(copy: Int, frame: Frame) {
    append(copy: copy, frame: frame, action: 0, reward: 0, flags: 0, priority: 0)
  }

  private mutating func append(copy: Int, frame: Frame, action: Int, reward: Float, flags entryFlags: UInt8, priority: Float) {
    precondition(frame.shape == frameShape, "fragment frames must be \(frameShape), got \(frame.shape)")
    frames.append(contentsOf: frame.pixels)
    copies.append(Int32(copy))
    actions.append(Int32(action))
    rewards.append(reward)
    flags.append(entryFlags)
    priorities.append(priority)
  }

  /// Entry `index`'s frame.
  public func frame(_ index: Int) -> Frame {
    let bytes = frameShape.byteCount
    return Frame(
      height: frameShape.height, width: frameShape.width, channels: frameShape.channels,
      pixels: Array(frames[index * bytes..<(index + 1) * bytes]))
  }

  /// The bytes that cross the wire for this fragment: frames plus 14 bytes per entry (copy,
  /// action, reward, priority, flags, 1 byte padding-free), plus a fixed header.
  public var wireBytes: Int { encoded().count }
}
