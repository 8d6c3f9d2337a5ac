import GridGames

/// One viewer's game state: the environment, who plays it, the episode and step counts, pause
/// and speed. It knows nothing of windows: a loop feeds it input and asks it to advance, and a
/// `PlaybackView` draws it. Headless runs (record, replay verification) use it without a window.
public final class PlaybackSession {
  public let definition: EnvironmentDefinition
  public let source: any ActionSource
  public let scheme: ControlScheme
  public let recorder: Recorder?
  /// Stop after this many episodes (nil: as many as the source has, or until quit).
  public let episodeLimit: Int?
  /// Whether to render `displayFrame` (RGB, the definition's cell size) after every step.
  public let rendersDisplay: Bool
  /// Called when an episode ends: its index, return and length.
  public var onEpisodeEnd: (Int, Double, Int) -> Void = { _, _, _ in }

  private var environment: GridEnvironment
  public private(set) var episodeIndex = 0
  public private(set) var stepIndex = 0
  public private(set) var score: Double = 0
  public private(set) var lastAction: Int?
  public private(set) var returns: [Double] = []
  /// Counts the frames the environment handed out (resets and steps) in this session.
  public private(set) var frameNumber = 0
  public private(set) var isPaused = false
  public private(set) var isFinished = false
  public private(set) var isQuitRequested = false
  /// Environment steps per second when pacing in real time.
  public private(set) var stepsPerSecond: Double
  /// The frame the environment last handed out (what the agent sees and the replay hashes).
  public private(set) var observation: Frame
  /// The frame a viewer shows: RGB at the definition's cell size (when `rendersDisplay`).
  public private(set) var displayFrame: Frame
  private var episodeSeed: UInt64 = 0
  private var needsNewEpisode = false
  private var stepRequested = false

  /// Starts the first episode.
  ///
  /// - Throws: `ViewerError` when the environment cannot be made, or the source rejects the
  ///   first frame (a replay whose first frame does not match).
  public init(
    definition: EnvironmentDefinition, source: any ActionSource, scheme: ControlScheme = .watch,
    recorder: Recorder? = nil, episodeLimit: Int? = nil, stepsPerSecond: Double = 10, rendersDisplay: Bool = true
  ) throws(ViewerError) {
    self.definition = definition
    self.source = source
    self.scheme = scheme
    self.recorder = recorder
    self.episodeLimit = episodeLimit
    self.stepsPerSecond = stepsPerSecond
    self.rendersDisplay = rendersDisplay
    do {
      environment = try definition.makeEnvironment()
    } catch {
      throw .environment(error)
    }
    observation = Frame(shape: definition.frameShape)
    displayFrame = observation
    if episodeLimit == 0 || source.episodeSeed(0) == nil {
      isFinished = true
      return
    }
    try startEpisode(0)
  }

  /// The action names of the game.
  public var actionNames: [String] { environment.actionSpace.names }

  /// The decision the player will make next (with Q-values for an agent).
  public var upcoming: Decision? { source.upcoming }

  /// What the panel shows: the upcoming decision, or after an episode ends the last one taken.
  public var shownDecision: Decision? { source.upcoming ?? lastDecision }
  private var lastDecision: Decision?

  /// Applies one input event: a playback control, or a game key for a person.
  public func handle(_ event: InputEvent) {
    switch event {
    case .quit:
      isQuitRequested = true
    case .keyDown(let key):
      if let control = scheme.control(for: key) { apply(control) } else { source.key(key, isDown: true) }
    case .keyUp(let key):
      if scheme.control(for: key) == nil { source.key(key, isDown: false) }
    }
  }

  /// Applies a playback control.
  public func apply(_ control: PlaybackControl) {
    switch control {
    case .togglePause: isPaused.toggle()
    case .stepOnce: if isPaused { stepRequested = true }
    case .faster: stepsPerSecond = min(stepsPerSecond * 1.5, 240)
    case .slower: stepsPerSecond = max(stepsPerSecond / 1.5, 0.5)
    case .restart: needsRestart = true
    case .quit: isQuitRequested = true
    }
  }

  private var needsRestart = false

  /// Advances if it should: a requested single step, or (unpaused) a due step.
  ///
  /// - Parameter stepIsDue: the loop's clock says a step is due (always true unpaced).
  public func tick(stepIsDue: Bool = true) throws(ViewerError) {
    if needsRestart {
      needsRestart = false
      recorder?.discard()
      try startEpisode(episodeIndex)
      return
    }
    if stepRequested {
      stepRequested = false
      try advance()
    } else if !isPaused && stepIsDue {
      try advance()
    }
  }

  /// One step of the game, or the start of the next episode after one ended.
  public func advance() throws(ViewerError) {
    guard !isFinished && !isQuitRequested else { return }
    if needsNewEpisode {
      try startEpisode(episodeIndex + 1)
      return
    }
    let known = source.upcoming
    guard let action = try source.nextAction() else {
      endEpisode(.stopped)
      return
    }
    lastDecision = known ?? Decision(action: action)
    let step = environment.step(action)
    stepIndex += 1
    score += Double(step.reward)
    lastAction = action
    observation = step.frame
    frameNumber += 1
    recorder?.record(action: action, reward: step.reward, observation: step.frame)
    try source.finish(step: step, action: action, stepIndex: stepIndex)
    try renderDisplay()
    if step.isEpisodeOver { endEpisode(step.terminated ? .terminated : .truncated) }
  }

  /// Runs to the end without a window (recording, verifying).
  public func runToEnd() throws(ViewerError) {
    while !isFinished && !isQuitRequested { try advance() }
  }

  /// Ends playback: an unfinished episode is kept in the recording as `stopped`.
  public func finishRecording() -> Recording? { recorder?.finish() }

  private func startEpisode(_ index: Int) throws(ViewerError) {
    if let episodeLimit, index >= episodeLimit {
      isFinished = true
      return
    }
    guard let seed = source.episodeSeed(index) else {
      isFinished = true
      return
    }
    episodeIndex = index
    episodeSeed = seed
    stepIndex = 0
    score = 0
    lastAction = nil
    lastDecision = nil
    needsNewEpisode = false
    observation = environment.reset(seed: seed)
    frameNumber += 1
    recorder?.begin(seed: seed, observation: observation)
    try source.start(episode: index, observation: observation)
    try renderDisplay()
  }

  private func endEpisode(_ end: RecordedEpisode.End) {
    recorder?.end(end)
    returns.append(score)
    onEpisodeEnd(episodeIndex, score, stepIndex)
    needsNewEpisode = true
    let next = episodeIndex + 1
    if let episodeLimit, next >= episodeLimit { isFinished = true }
    if source.episodeSeed(next) == nil { isFinished = true }
  }

  private func renderDisplay() throws(ViewerError) {
    guard rendersDisplay else { return }
    do {
      displayFrame = try environment.renderFrame(cellPixels: definition.cellPixels, colorMode: .rgb)
    } catch {
      throw .environment(error)
    }
  }
}
