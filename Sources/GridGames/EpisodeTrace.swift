import Foundation

/// One line of `dqn trace`: a step of an episode with its symbolic state.
public struct TraceStep: Sendable, Equatable, Encodable {
  /// 0 for the state after reset, then 1, 2, … for each step.
  public var index: Int
  /// The action passed to `step` (nil for the reset line).
  public var action: Int?
  public var reward: Float
  public var terminated: Bool
  public var truncated: Bool
  public var state: GridState

  /// One compact JSON object with sorted keys: `{"action":…,"reward":…,"state":[[[0,1,…]]],
  /// "step":…,"terminated":…,"truncated":…}`, the state as `[channel][y][x]` of 0/1 and the
  /// action `null` on the reset line.
  public var jsonLine: String {
    do {
      return String(decoding: try Self.encoder.encode(self), as: UTF8.self)
    } catch {
      preconditionFailure("a trace step always encodes as JSON: \(error)")
    }
  }

  /// Sorted keys, no escaped slashes. Rewards are finite, and non-finite ones would be written
  /// as strings rather than failing, so encoding cannot fail: ints, booleans and arrays of them
  /// are always valid JSON. Speed is not a reason for hand-built JSON here: a whole Freeway
  /// episode (2,501 lines of 700 cells) takes about 1 s of CPU in release, against 0.2 s before.
  private static let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return encoder
  }()

  private enum CodingKeys: String, CodingKey {
    case step, action, reward, terminated, truncated, state
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(index, forKey: .step)
    try container.encode(action, forKey: .action)  // null on the reset line
    try container.encode(reward, forKey: .reward)
    try container.encode(terminated, forKey: .terminated)
    try container.encode(truncated, forKey: .truncated)
    let planes = (0..<state.channelCount).map { c in
      (0..<state.height).map { y in (0..<state.width).map { x in state[c, y, x] ? 1 : 0 } }
    }
    try container.encode(planes, forKey: .state)
  }
}

extension GridEnvironment {
  /// Plays one episode from `seed` with `actions`, stopping at the episode's end (or when the
  /// actions run out), and reports the reset state and each step to `body`.
  ///
  /// - Throws: `EnvironmentError.actionOutOfRange` before stepping if any action is invalid.
  public mutating func trace(seed: UInt64, actions: [Int], _ body: (TraceStep) -> Void) throws(EnvironmentError) {
    for action in actions where !actionSpace.contains(action) {
      throw .actionOutOfRange(action: action, count: actionSpace.count, names: actionSpace.names)
    }
    _ = reset(seed: seed)
    body(TraceStep(index: 0, action: nil, reward: 0, terminated: false, truncated: false, state: gridState))
    for (index, action) in actions.enumerated() {
      let step = step(action)
      body(TraceStep(index: index + 1, action: action, reward: step.reward, terminated: step.terminated,
                     truncated: step.truncated, state: gridState))
      if step.isEpisodeOver { return }
    }
  }
}
