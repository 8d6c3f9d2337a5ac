import GridGames
import NeuralNetwork

/// An action with the Q-values behind it (nil when no network chose it).
public struct Decision: Sendable, Equatable {
  public var action: Int
  public var qValues: [Float]?

  public init(action: Int, qValues: [Float]? = nil) {
    self.action = action
    self.qValues = qValues
  }
}

/// Who plays in a `PlaybackSession`: a trained agent, a person at the keyboard, or a replay.
public protocol ActionSource: AnyObject {
  /// A short name for the panel and the window title ("agent catch-run", "you", "replay x.replay").
  var playerName: String { get }
  /// The seed of episode `index`, or nil when the source has no more episodes.
  func episodeSeed(_ index: Int) -> UInt64?
  /// An episode (re)started with `observation`, its reset frame.
  func start(episode: Int, observation: Frame) throws(ViewerError)
  /// What the source will do next, if it knows already (an agent decides when it sees a frame).
  var upcoming: Decision? { get }
  /// The action to take now; nil ends the episode here (a replay that ran out of actions).
  func nextAction() throws(ViewerError) -> Int?
  /// The environment answered `action` with `step` (step number `stepIndex`, from 1).
  func finish(step: Step, action: Int, stepIndex: Int) throws(ViewerError)
  /// A game key went down or up (people only).
  func key(_ key: Key, isDown: Bool)
}

extension ActionSource {
  public var upcoming: Decision? { nil }
  public func key(_ key: Key, isDown: Bool) {}
}

/// Episode seeds drawn from one seed: episode `i` gets the `i`-th number of `SplitMix64(seed)`.
struct EpisodeSeeds {
  private var generator: SplitMix64
  private var drawn: [UInt64] = []

  init(seed: UInt64) { generator = SplitMix64(seed: seed) }

  mutating func seed(_ index: Int) -> UInt64 {
    while drawn.count <= index { drawn.append(generator.next()) }
    return drawn[index]
  }
}
