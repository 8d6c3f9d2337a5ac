/// A grid game as a pixel environment: the game, its seeded generator, sticky actions, and a
/// renderer that draws every step into an SDL offscreen surface and reads the frame out.
///
/// `reset(seed:)` is, for the MinAtar games, the reference's
/// `env = minatar.Environment(game); env.seed(seed); env.reset()`, and `step(a)` is `env.act(a)`.
public struct GameEnvironment: Environment {
  /// The game's logic and state.
  public private(set) var game: any GridGame
  /// The generator all of the episode's randomness comes from (numpy `RandomState` compatible).
  public private(set) var random: RandomState
  public private(set) var stickyActions: StickyActions
  /// True before the first reset and after a step that terminated the game.
  public private(set) var isEpisodeOver = true
  public let actionSpace: ActionSpace
  public let frameShape: FrameShape
  private var renderer: FrameRenderer

  /// - Throws: `RenderingError` when SDL cannot create the offscreen surface.
  public init(game: any GridGame, palette: Palette, cellPixels: Int = 1,
              colorMode: ObservationSettings.ColorMode = .grayscale, resize: ObservationSettings.Size? = nil,
              stickyActionProbability: Double = 0) throws(RenderingError) {
    precondition(palette.channels.count == game.channelNames.count,
      "palette has \(palette.channels.count) channel colours, the game has \(game.channelNames.count) channels")
    precondition(cellPixels >= 1, "cellPixels must be >= 1, got \(cellPixels)")
    self.game = game
    random = RandomState(seed: 0)
    stickyActions = StickyActions(probability: stickyActionProbability)
    actionSpace = ActionSpace(names: game.actionNames)
    renderer = try FrameRenderer(rows: game.height, columns: game.width, cellPixels: cellPixels, palette: palette,
                                 colorMode: colorMode, resize: resize)
    frameShape = renderer.outputShape
  }

  /// The symbolic state (one plane per channel, in the reference's channel order).
  public var gridState: GridState { game.state() }

  public mutating func reset(seed: UInt64) -> Frame {
    random = RandomState(seed: seed)
    stickyActions.reset()
    game.reset(using: &random)
    isEpisodeOver = false
    makeRendererUnique()
    renderer.invalidate()
    return renderer.render(game)
  }

  public mutating func step(_ action: Int) -> Step {
    // GridGames is built with -Ounchecked in release, which removes `precondition`; these
    // programmer-error checks must hold in every build, so they trap explicitly.
    if isEpisodeOver { fatalError("step(\(action)) called with no running episode: call reset(seed:) first") }
    if !actionSpace.contains(action) { fatalError("action \(action) is outside 0..<\(actionSpace.count)") }
    let applied = stickyActions.resolve(action, using: &random)
    let (reward, terminated) = game.step(applied, using: &random)
    isEpisodeOver = terminated
    makeRendererUnique()
    return Step(frame: renderer.render(game), reward: reward, terminated: terminated, truncated: false)
  }

  /// Renders the current state with other settings (a viewer's bigger RGB frames, say).
  ///
  /// - Throws: `RenderingError` when SDL cannot create the surface.
  public func renderFrame(cellPixels: Int, colorMode: ObservationSettings.ColorMode = .rgb,
                          palette: Palette? = nil) throws(RenderingError) -> Frame {
    let renderer = try FrameRenderer(rows: game.height, columns: game.width, cellPixels: cellPixels,
                                     palette: palette ?? self.renderer.palette, colorMode: colorMode, resize: nil)
    return renderer.render(game)
  }

  /// Copies share the renderer until one of them draws; then it gets its own surface.
  private mutating func makeRendererUnique() {
    if !isKnownUniquelyReferenced(&renderer), let copy = try? renderer.copy() { renderer = copy }
  }
}
