/// One line of `dqn trace`: a step of an episode with its symbolic state.
public struct TraceStep: Sendable, Equatable {
  /// 0 for the state after reset, then 1, 2, … for each step.
  public var index: Int
  /// The action passed to `step` (nil for the reset line).
  public var action: Int?
  public var reward: Float
  public var terminated: Bool
  public var truncated: Bool
  public var state: GridState

  /// One compact JSON object: `{"step":…,"action":…,"reward":…,"terminated":…,"truncated":…,
  /// "state":[[[0,1,…]]]}` with the state as `[channel][y][x]` of 0/1.
  public var jsonLine: String {
    var text = "{\"step\":\(index),\"action\":\(action.map(String.init) ?? "null"),"
    let rewardText = reward == reward.rounded() && abs(reward) < 1e9 ? String(Int(reward)) : "\(reward)"
    text += "\"reward\":\(rewardText),\"terminated\":\(terminated),\"truncated\":\(truncated),\"state\":["
    for c in 0..<state.channelCount {
      if c > 0 { text += "," }
      text += "["
      for y in 0..<state.height {
        if y > 0 { text += "," }
        text += "["
        for x in 0..<state.width {
          if x > 0 { text += "," }
          text += state[c, y, x] ? "1" : "0"
        }
        text += "]"
      }
      text += "]"
    }
    return text + "]}"
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
