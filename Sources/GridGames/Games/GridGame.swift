/// The logic of a game played on a grid, without pixels.
///
/// A game is a value type: copying it copies its state. It draws randomness only from the
/// `RandomState` it is handed, so a seed and a list of actions reproduce an episode.
/// `GameEnvironment` wraps a game with its generator, sticky actions and SDL rendering.
public protocol GridGame: Sendable {
  /// Grid rows.
  var height: Int { get }
  /// Grid columns.
  var width: Int { get }
  /// One name per action.
  var actionNames: [String] { get }
  /// One name per symbolic-state channel (object type), in the reference's order.
  var channelNames: [String] { get }
  /// The current difficulty level (MinAtar's `difficulty_ramp()`), or nil if the game has none.
  var difficultyLevel: Int? { get }
  /// Starts a new episode.
  mutating func reset(using random: inout RandomState)
  /// Applies one (already sticky-resolved) action.
  ///
  /// - Precondition: the episode has not ended and `action` is valid.
  mutating func step(_ action: Int, using random: inout RandomState) -> (reward: Float, terminated: Bool)
  /// The symbolic state, one plane per channel.
  func state() -> GridState
  /// Writes, for each cell `y * width + x`, 0 for background or 1 + the channel drawn there.
  ///
  /// `cells` holds `height * width` zeros on entry. Where objects overlap, the game decides
  /// which one is visible (it paints in priority order).
  func paint(_ cells: UnsafeMutableBufferPointer<UInt8>)
}

extension GridGame {
  public var difficultyLevel: Int? { nil }
}

/// The six MinAtar actions, in the reference's `action_map` order (`n`, `l`, `u`, `r`, `d`, `f`).
public let minAtarActionNames = ["noop", "left", "up", "right", "down", "fire"]

/// Python's floor division for `Int`s, so ports of Python arithmetic stay exact.
@inline(__always)
func floorDivide(_ a: Int, _ b: Int) -> Int {
  let quotient = a / b
  return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
}
