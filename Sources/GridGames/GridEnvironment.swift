/// The environment an `EnvironmentDefinition` describes: the game with sticky actions and SDL
/// rendering (`GameEnvironment`), then frame skip with max-pooling, the time limit and episode
/// statistics. Frames are single (not stacked); read `definition.observation.frameStack`.
public struct GridEnvironment: EnvironmentWrapper {
  public typealias Pipeline = EpisodeStatistics<TimeLimit<FrameSkip<GameEnvironment>>>
  public let definition: EnvironmentDefinition
  public private(set) var base: Pipeline

  /// - Throws: `EnvironmentError` when SDL cannot render.
  public init(definition: EnvironmentDefinition) throws(EnvironmentError) {
    self.definition = definition
    let game = definition.makeGame()
    let gameEnvironment: GameEnvironment
    do {
      gameEnvironment = try GameEnvironment(
        game: game, palette: definition.resolvedPalette, cellPixels: definition.cellPixels,
        colorMode: definition.observation.colorMode, resize: definition.observation.resize,
        stickyActionProbability: definition.stickyActionProbability)
    } catch {
      throw .rendering(error)
    }
    base = EpisodeStatistics(
      TimeLimit(FrameSkip(gameEnvironment, skip: definition.observation.frameSkip),
                maxEpisodeSteps: definition.observation.maxEpisodeSteps))
  }

  public var actionSpace: ActionSpace { base.actionSpace }
  public var frameShape: FrameShape { base.frameShape }

  public mutating func reset(seed: UInt64) -> Frame { base.reset(seed: seed) }

  /// - Precondition: an episode is running and `action` is in the action space.
  public mutating func step(_ action: Int) -> Step { base.step(action) }

  /// The game environment under the wrappers.
  public var gameEnvironment: GameEnvironment { base.base.base.base }
  /// The symbolic state, one plane per channel in the reference's channel order.
  public var gridState: GridState { gameEnvironment.gridState }
  /// MinAtar's `difficulty_ramp()`: the current difficulty level, or nil.
  public var difficultyLevel: Int? { gameEnvironment.game.difficultyLevel }
  /// The most recently finished episode (set by the step that ends it).
  public var lastEpisode: EpisodeRecord? { base.lastEpisode }
  /// The return so far in the current episode.
  public var currentReturn: Double { base.currentReturn }
  /// Steps so far in the current episode.
  public var currentLength: Int { base.currentLength }

  /// Renders the current state with other settings (for a viewer: bigger cells, RGB).
  public func renderFrame(cellPixels: Int, colorMode: ObservationSettings.ColorMode = .rgb) throws(EnvironmentError) -> Frame {
    do {
      return try gameEnvironment.renderFrame(cellPixels: cellPixels, colorMode: colorMode)
    } catch {
      throw .rendering(error)
    }
  }
}
