/// A game played on a grid: what it is called, its actions, channels and colours, the parameters
/// an environment file may set, and its logic (without pixels).
///
/// A game is one type that declares everything about itself. Register it with
/// `GameRegistry.register(_:)` (the built-in games are registered already) and environment files
/// can name it: `game: NAME` plus its parameters' keys.
///
/// A game is a value type: copying it copies its state. It draws randomness only from the
/// `RandomState` it is handed, so a seed and a list of actions reproduce an episode.
/// `GameEnvironment` wraps a game with its generator, sticky actions and SDL rendering.
public protocol GridGame: Sendable {
  /// The parameters an environment file may set for this game (`NoParameters` if none).
  associatedtype Parameters: GameParameters = NoParameters

  /// The name environment files use in `game:` (lowercase words joined by `-`).
  static var name: String { get }
  /// A one-line description for listings (and the default `description:`).
  static var summary: String { get }
  /// One name per action; an action is its index.
  static var actionNames: [String] { get }
  /// One name per symbolic-state channel (object type), in the order `state()` uses.
  static var channelNames: [String] { get }
  /// The default colours: a background and one per channel (a file's `palette:` overrides them).
  static var palette: Palette { get }
  /// The `stickyActionProbability` a file gets when it does not give one (default 0).
  static var defaultStickyActionProbability: Double { get }
  /// The `observation:` settings a file gets for the keys it does not give (default: one
  /// grayscale frame per step, no stacking, no time limit).
  static var defaultObservation: ObservationSettings { get }
  /// The grid (rows, columns) a game made with `parameters` has, without making it
  /// (default: makes the game and asks it).
  static func gridSize(for parameters: Parameters) -> (rows: Int, columns: Int)

  /// A game as `parameters` configure it (already checked when they were read from a file).
  init(parameters: Parameters)

  /// Grid rows.
  var height: Int { get }
  /// Grid columns.
  var width: Int { get }
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
  public static var defaultStickyActionProbability: Double { 0 }
  public static var defaultObservation: ObservationSettings { ObservationSettings() }

  public static func gridSize(for parameters: Parameters) -> (rows: Int, columns: Int) {
    let game = Self(parameters: parameters)
    return (game.height, game.width)
  }

  public var difficultyLevel: Int? { nil }
  /// The game's action names (`Self.actionNames`).
  public var actionNames: [String] { Self.actionNames }
  /// The game's channel names (`Self.channelNames`).
  public var channelNames: [String] { Self.channelNames }

  /// `gridSize(for:)` for parameters of any type.
  ///
  /// - Precondition: `parameters` is a `Parameters`.
  static func gridSize(forAny parameters: any GameParameters) -> (rows: Int, columns: Int) {
    gridSize(for: cast(parameters))
  }

  /// `init(parameters:)` for parameters of any type.
  ///
  /// - Precondition: `parameters` is a `Parameters`.
  static func make(withAny parameters: any GameParameters) -> any GridGame {
    Self(parameters: cast(parameters))
  }

  /// The default parameters, as parameters of any type.
  static var defaultParameters: any GameParameters { Parameters() }

  /// Reads this game's parameters from the keys of an environment file.
  static func decodeParameters(from decoder: any Decoder) throws -> any GameParameters {
    try Parameters(from: decoder)
  }

  private static func cast(_ parameters: any GameParameters) -> Parameters {
    guard let typed = parameters as? Parameters else {
      preconditionFailure("\(name) takes \(Parameters.self), got \(type(of: parameters))")
    }
    return typed
  }
}

/// Python's floor division for `Int`s, so ports of Python arithmetic stay exact.
@inline(__always)
func floorDivide(_ a: Int, _ b: Int) -> Int {
  let quotient = a / b
  return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
}
