import Yams

/// One recorded episode: its seed, the actions taken, the rewards earned and the hash of every
/// observation (the reset frame first, then one per step).
public struct RecordedEpisode: Sendable, Equatable {
  /// How the episode ended.
  public enum End: String, Sendable, Equatable, CaseIterable {
    /// The game ended.
    case terminated
    /// The time limit cut it short.
    case truncated
    /// The player quit before the end.
    case stopped
  }

  public var seed: UInt64
  public var actions: [Int]
  public var rewards: [Float]
  /// `actions.count + 1` hashes.
  public var frameHashes: [UInt64]
  public var end: End

  public init(seed: UInt64, actions: [Int] = [], rewards: [Float] = [], frameHashes: [UInt64] = [], end: End = .stopped) {
    self.seed = seed
    self.actions = actions
    self.rewards = rewards
    self.frameHashes = frameHashes
    self.end = end
  }

  /// The sum of the rewards.
  public var totalReward: Double { rewards.reduce(0) { $0 + Double($1) } }

  /// The longest episode a recording may hold (environments end episodes after at most 10⁸ steps).
  static let maximumLength = 100_000_000

  static func parse(_ node: Node, index: Int, file: String) throws(ViewerError) -> RecordedEpisode {
    let prefix = "episodes[\(index)]"
    guard let mapping = node.mapping else {
      throw .corruptRecording(file: file, key: prefix, detail: "must be a mapping (seed, length, actions, rewards, frameHashes)")
    }
    func field(_ key: String) throws(ViewerError) -> String {
      guard let value = mapping[key]?.string else {
        throw .truncatedRecording(file: file, detail: "\(prefix) has no '\(key)'")
      }
      return value
    }
    guard let seed = UInt64(try field("seed")) else {
      throw .corruptRecording(file: file, key: "\(prefix).seed", detail: "must be an integer ≥ 0")
    }
    guard let length = Int(try field("length")), (0...maximumLength).contains(length) else {
      throw .corruptRecording(file: file, key: "\(prefix).length", detail: "must be an integer in 0...\(maximumLength)")
    }
    guard let end = End(rawValue: try field("end")) else {
      throw .corruptRecording(
        file: file, key: "\(prefix).end", detail: "must be one of \(End.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    let actionWords = try field("actions").split(separator: " ")
    let rewardWords = try field("rewards").split(separator: " ")
    let hashWords = try field("frameHashes").split(separator: " ")
    guard actionWords.count == length, rewardWords.count == length, hashWords.count == length + 1 else {
      throw .truncatedRecording(
        file: file,
        detail: "\(prefix) has length \(length) but \(actionWords.count) actions, \(rewardWords.count) rewards and "
          + "\(hashWords.count) frame hashes (expected \(length), \(length) and \(length + 1))")
    }
    var actions: [Int] = []
    actions.reserveCapacity(length)
    for word in actionWords {
      guard let action = Int(word), action >= 0 else {
        throw .corruptRecording(file: file, key: "\(prefix).actions", detail: "'\(word)' is not an action index")
      }
      actions.append(action)
    }
    var rewards: [Float] = []
    rewards.reserveCapacity(length)
    for word in rewardWords {
      guard let reward = Float(word), reward.isFinite else {
        throw .corruptRecording(file: file, key: "\(prefix).rewards", detail: "'\(word)' is not a number")
      }
      rewards.append(reward)
    }
    var hashes: [UInt64] = []
    hashes.reserveCapacity(length + 1)
    for (position, word) in hashWords.enumerated() {
      guard let hash = FrameHash.parse(word) else {
        if position == hashWords.count - 1 && word.count < 16 {
          throw .truncatedRecording(file: file, detail: "\(prefix).frameHashes ends with a cut-off hash '\(word)'")
        }
        throw .corruptRecording(file: file, key: "\(prefix).frameHashes", detail: "'\(word)' is not 16 hex digits")
      }
      hashes.append(hash)
    }
    return RecordedEpisode(seed: seed, actions: actions, rewards: rewards, frameHashes: hashes, end: end)
  }
}
