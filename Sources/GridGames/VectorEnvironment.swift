/// What one `VectorEnvironment.step(_:)` returns, one entry per environment.
public struct VectorStep: Sendable {
  /// Each environment's step; for an episode that ended, `frame` is its terminal frame.
  public var steps: [Step]
  /// For an environment whose episode ended: the first frame of the episode it was reset into.
  public var resetFrames: [Frame?]
  /// For an environment whose episode ended: that episode's statistics.
  public var episodes: [EpisodeRecord?]

  /// The frames to act on next: the reset frame where an episode ended, else the step's frame.
  public var nextFrames: [Frame] {
    zip(steps, resetFrames).map { $1 ?? $0.frame }
  }
}

/// N environments stepped together. When an episode ends, the step reports its terminal frame
/// and statistics, and the environment is reset at once (its new first frame is in
/// `resetFrames`), so a terminal frame is never lost.
///
/// Seeding: `reset(seed:)` starts environment `i` from seed `seed + i`; its k-th automatic reset
/// uses `seed + i + k · count`, so no two episodes share a seed.
public struct VectorEnvironment<Base: Environment> {
  public private(set) var environments: [Base]
  /// The seed of the last `reset(seed:)`.
  public private(set) var baseSeed: UInt64 = 0
  /// How many episodes each environment has finished since the last reset.
  public private(set) var episodeIndices: [UInt64]
  private var returns: [Double]
  private var lengths: [Int]
  private var startTimes: [ContinuousClock.Instant]

  /// - Precondition: `environments` is not empty.
  public init(_ environments: [Base]) {
    precondition(!environments.isEmpty, "VectorEnvironment needs at least one environment")
    self.environments = environments
    episodeIndices = [UInt64](repeating: 0, count: environments.count)
    returns = [Double](repeating: 0, count: environments.count)
    lengths = [Int](repeating: 0, count: environments.count)
    startTimes = [ContinuousClock.Instant](repeating: .now, count: environments.count)
  }

  public var count: Int { environments.count }
  public var actionSpace: ActionSpace { environments[0].actionSpace }
  public var frameShape: FrameShape { environments[0].frameShape }

  private func seed(environment: Int, episode: UInt64) -> UInt64 {
    baseSeed &+ UInt64(environment) &+ episode &* UInt64(count)
  }

  /// Resets every environment (environment `i` from `seed + i`) and returns their first frames.
  public mutating func reset(seed: UInt64) -> [Frame] {
    baseSeed = seed
    return (0..<count).map { index in
      episodeIndices[index] = 0
      returns[index] = 0
      lengths[index] = 0
      startTimes[index] = .now
      return environments[index].reset(seed: self.seed(environment: index, episode: 0))
    }
  }

  /// Rebuilds the environments as they were: environment `i` in its episode `episodeIndices[i]`
  /// after `actions[i]` (games draw only from their seeded generator, so replaying the actions
  /// from the episode's seed rebuilds it). `onFrame(i, frame)` receives each environment's
  /// frames in order, from the episode's first.
  ///
  /// - Precondition: one episode index and one action list per environment, and no list ends
  ///   an episode.
  public mutating func restore(
    seed: UInt64, episodeIndices indices: [UInt64], actions: [[Int]], onFrame: (Int, Frame) -> Void
  ) {
    precondition(indices.count == count && actions.count == count, "VectorEnvironment.restore needs \(count) episodes")
    baseSeed = seed
    for index in 0..<count {
      episodeIndices[index] = indices[index]
      returns[index] = 0
      lengths[index] = 0
      startTimes[index] = .now
      onFrame(index, environments[index].reset(seed: self.seed(environment: index, episode: indices[index])))
      for action in actions[index] {
        let step = environments[index].step(action)
        precondition(!step.isEpisodeOver, "VectorEnvironment.restore: the actions of environment \(index) end its episode")
        returns[index] += Double(step.reward)
        lengths[index] += 1
        onFrame(index, step.frame)
      }
    }
  }

  /// Steps environment `i` with `actions[i]`, resetting those whose episode ended.
  ///
  /// - Precondition: `actions.count == count`, and `reset(seed:)` was called.
  public mutating func step(_ actions: [Int]) -> VectorStep {
    precondition(actions.count == count, "VectorEnvironment.step needs \(count) actions, got \(actions.count)")
    var steps: [Step] = []
    steps.reserveCapacity(count)
    var resetFrames = [Frame?](repeating: nil, count: count)
    var episodes = [EpisodeRecord?](repeating: nil, count: count)
    for index in 0..<count {
      let step = environments[index].step(actions[index])
      returns[index] += Double(step.reward)
      lengths[index] += 1
      if step.isEpisodeOver {
        let elapsed = ContinuousClock.now - startTimes[index]
        episodes[index] = EpisodeRecord(
          totalReward: returns[index], length: lengths[index],
          duration: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
          terminated: step.terminated)
        episodeIndices[index] += 1
        returns[index] = 0
        lengths[index] = 0
        startTimes[index] = .now
        resetFrames[index] = environments[index].reset(seed: seed(environment: index, episode: episodeIndices[index]))
      }
      steps.append(step)
    }
    return VectorStep(steps: steps, resetFrames: resetFrames, episodes: episodes)
  }
}

extension VectorEnvironment where Base == GridEnvironment {
  /// `count` copies of the environment `definition` describes.
  ///
  /// - Throws: `EnvironmentError` as `EnvironmentDefinition.makeEnvironment()` does.
  public init(definition: EnvironmentDefinition, count: Int) throws(EnvironmentError) {
    precondition(count >= 1, "VectorEnvironment needs count >= 1, got \(count)")
    var environments: [GridEnvironment] = []
    for _ in 0..<count { environments.append(try definition.makeEnvironment()) }
    self.init(environments)
  }
}
