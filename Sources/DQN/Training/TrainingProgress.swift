/// A snapshot for progress lines.
public struct TrainingProgress: Sendable {
  public var step: Int
  public var totalSteps: Int
  public var episodes: Int
  /// Mean return of the last (up to) 100 episodes, nil before the first ends.
  public var meanReturn: Double?
  public var epsilon: Float
  /// The most recent update's loss, nil before learning starts.
  public var loss: Float?
  /// Seconds in this session and the steps taken in it, for steps/s and the ETA.
  public var sessionSeconds: Double
  public var sessionSteps: Int
  /// With actors: each actor's environment steps per second and the learner's updates per
  /// second in this session (empty and nil for the single loop).
  public var actorStepsPerSecond: [Double] = []
  public var learnerUpdatesPerSecond: Double?

  public var stepsPerSecond: Double { sessionSeconds > 0 ? Double(sessionSteps) / sessionSeconds : 0 }
  public var secondsRemaining: Double? {
    let rate = stepsPerSecond
    return rate > 0 ? Double(totalSteps - step) / rate : nil
  }
}
