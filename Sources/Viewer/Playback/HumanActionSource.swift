import GridGames
import NeuralNetwork

/// A person at the keyboard: arrows move, space fires, no key is the game's "noop"/"stay".
///
/// The most recently pressed key that is still held decides; a key tapped between two steps
/// counts for the next step even if it was released already.
public final class HumanActionSource: ActionSource {
  /// Game key → action index, from the game's action names.
  public let keyMap: [Key: Int]
  /// The action taken when no key is down ("noop", "stay"; else action 0).
  public let idleAction: Int
  public let actionNames: [String]
  private var seeds: EpisodeSeeds
  private var held: [Key] = []
  private var tapped: Key?

  public init(actionNames: [String], seed: UInt64) {
    self.actionNames = actionNames
    var map: [Key: Int] = [:]
    let keyForName: [String: Key] = ["left": .left, "right": .right, "up": .up, "down": .down, "fire": .space]
    for (index, name) in actionNames.enumerated() {
      if let key = keyForName[name] { map[key] = index }
    }
    keyMap = map
    idleAction = actionNames.firstIndex(where: { $0 == "noop" || $0 == "stay" }) ?? 0
    seeds = EpisodeSeeds(seed: seed)
  }

  public var playerName: String { "you" }

  /// The key map as panel lines: "←  left", "space  fire", "(none)  noop".
  public var keyMapLines: [String] {
    let glyphs: [Key: String] = [.left: "←", .right: "→", .up: "↑", .down: "↓", .space: "space"]
    var lines: [String] = []
    for key in [Key.left, .right, .up, .down, .space] {
      if let action = keyMap[key], let glyph = glyphs[key] { lines.append("\(glyph)  \(actionNames[action])") }
    }
    lines.append("(none)  \(actionNames[idleAction])")
    return lines
  }

  public func episodeSeed(_ index: Int) -> UInt64? { seeds.seed(index) }

  public func start(episode: Int, observation: Frame) throws(ViewerError) {
    tapped = nil
  }

  public func nextAction() throws(ViewerError) -> Int? {
    let key = held.last ?? tapped
    tapped = nil
    guard let key, let action = keyMap[key] else { return idleAction }
    return action
  }

  public func finish(step: Step, action: Int, stepIndex: Int) throws(ViewerError) {}

  public func key(_ key: Key, isDown: Bool) {
    guard keyMap[key] != nil else { return }
    held.removeAll { $0 == key }
    if isDown {
      held.append(key)
      tapped = key
    }
  }
}
