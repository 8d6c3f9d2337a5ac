/// One of the five MinAtar games (reference-exact ports of `minatar` 1.0.15): what they share.
///
/// Each plays on 10×10 cells with MinAtar's six actions; environment files get MinAtar's
/// defaults (sticky actions with probability 0.1, four stacked frames for the agent) and the one
/// parameter `difficultyRamping`.
public protocol MinAtarGame: GridGame where Parameters == MinAtarParameters {}

extension MinAtarGame {
  /// The six MinAtar actions, in the reference's `action_map` order (`n`, `l`, `u`, `r`, `d`, `f`).
  public static var actionNames: [String] { ["noop", "left", "up", "right", "down", "fire"] }
  public static var defaultStickyActionProbability: Double { 0.1 }
  /// The agent sees four stacked frames, the MinAtar network's input.
  public static var defaultObservation: ObservationSettings { ObservationSettings(frameStack: 4) }
  public static func gridSize(for parameters: MinAtarParameters) -> (rows: Int, columns: Int) { (10, 10) }
  public var height: Int { 10 }
  public var width: Int { 10 }
}

/// The parameter of every MinAtar game: `difficultyRamping` (default true), MinAtar's
/// `difficulty_ramping` (Asterix, Seaquest and Space Invaders speed up over time; Breakout and
/// Freeway have no ramping and ignore it).
public struct MinAtarParameters: GameParameters {
  public var difficultyRamping = true
  public static let keys = ["difficultyRamping"]

  public init() {}

  public init(difficultyRamping: Bool) {
    self.difficultyRamping = difficultyRamping
  }

  public init(from decoder: any Decoder) throws {
    self.init()
    difficultyRamping = try ParameterReader(decoder).value("difficultyRamping") ?? difficultyRamping
  }

  public func encode(to encoder: any Encoder) throws {
    var file = ParameterWriter(encoder)
    try file.write("difficultyRamping", difficultyRamping)
  }
}
