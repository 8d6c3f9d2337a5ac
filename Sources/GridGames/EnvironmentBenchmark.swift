/// Steps per second of an environment with uniformly random actions, rendering every frame.
public enum EnvironmentBenchmark {
  /// Median, minimum and maximum of repeated measurements.
  public struct Statistics: Sendable, Equatable {
    public var median: Double
    public var minimum: Double
    public var maximum: Double
    public var runs: Int

    init(_ values: [Double]) {
      let sorted = values.sorted()
      let middle = sorted.count / 2
      median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
      minimum = sorted.first ?? 0
      maximum = sorted.last ?? 0
      runs = sorted.count
    }
  }

  /// One benchmark's result.
  public struct Result: Sendable {
    public var environment: String
    public var game: String
    /// 1 for a single environment, N for a `VectorEnvironment` of N (steps count every copy).
    public var vectorCount: Int
    public var stepsPerRun: Int
    public var frameShape: FrameShape
    public var stepsPerSecond: Statistics
    public var episodesPerRun: Int
  }

  /// Times `steps` random-action steps of a single environment, `runs` times (the seed of
  /// run r is r), resetting when an episode ends.
  ///
  /// - Throws: `EnvironmentError` when the environment cannot be made.
  public static func measure(_ definition: EnvironmentDefinition, steps: Int, runs: Int) throws(EnvironmentError) -> Result {
    var rates: [Double] = []
    var episodes = 0
    var environment = try definition.makeEnvironment()
    let actionCount = environment.actionSpace.count
    for run in 0..<runs {
      var random = RandomState(seed: UInt64(run))
      let actions = (0..<steps).map { _ in random.randomInteger(below: actionCount) }
      var seed = UInt64(run) * 1_000_003
      _ = environment.reset(seed: seed)
      episodes = 0
      let start = ContinuousClock.now
      for action in actions {
        let step = environment.step(action)
        if step.isEpisodeOver {
          seed &+= 1
          _ = environment.reset(seed: seed)
          episodes += 1
        }
      }
      rates.append(Double(steps) / seconds(since: start))
    }
    return Result(environment: definition.name, game: definition.game.name, vectorCount: 1, stepsPerRun: steps,
                  frameShape: environment.frameShape, stepsPerSecond: Statistics(rates), episodesPerRun: episodes)
  }

  /// Times a `VectorEnvironment` of `count` copies for `steps` vector steps (`steps · count`
  /// environment steps), `runs` times.
  public static func measureVector(_ definition: EnvironmentDefinition, count: Int, steps: Int,
                                   runs: Int) throws(EnvironmentError) -> Result {
    var vector = try VectorEnvironment(definition: definition, count: count)
    let actionCount = vector.actionSpace.count
    var rates: [Double] = []
    var episodes = 0
    for run in 0..<runs {
      var random = RandomState(seed: UInt64(run))
      let actions = (0..<steps).map { _ in (0..<count).map { _ in random.randomInteger(below: actionCount) } }
      _ = vector.reset(seed: UInt64(run) * 1_000_003)
      episodes = 0
      let start = ContinuousClock.now
      for actionRow in actions {
        let step = vector.step(actionRow)
        episodes += step.episodes.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
      }
      rates.append(Double(steps * count) / seconds(since: start))
    }
    return Result(environment: definition.name, game: definition.game.name, vectorCount: count, stepsPerRun: steps * count,
                  frameShape: vector.frameShape, stepsPerSecond: Statistics(rates), episodesPerRun: episodes)
  }

  private static func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return max(1e-9, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
  }
}
