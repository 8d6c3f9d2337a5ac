/// What one machine's scaling figures say about many: how fast one learner can consume
/// transitions at a replay ratio, and how many actors it takes to feed it.
///
/// Ape-X's learner is one process; actors only add collected transitions. At a replay ratio `R`
/// (sampled transitions per collected one) a learner doing `u` updates of batch `B` per second
/// absorbs `u · B / R` collected transitions per second, whatever the number of actors. An actor
/// that spends `a` seconds per transition supplies `1 / a` of them, so `u · B · a / R` actors
/// saturate the learner; more actors only help when `R` falls or the learner gets faster.
public struct ScalingProjection: Sendable, Equatable {
  /// Seconds an actor spends per collected transition (environment step, render, forward pass).
  public var actorSecondsPerTransition: Double
  /// Seconds the learner spends per update (sample, forward, backward, optimizer step, priorities).
  public var learnerSecondsPerBatch: Double
  public var batchSize: Int

  public init(actorSecondsPerTransition: Double, learnerSecondsPerBatch: Double, batchSize: Int) {
    self.actorSecondsPerTransition = actorSecondsPerTransition
    self.learnerSecondsPerBatch = learnerSecondsPerBatch
    self.batchSize = batchSize
  }

  /// Collected transitions per second one learner can absorb at `replayRatio`.
  public func learnerTransitionsPerSecond(replayRatio: Double) -> Double {
    Double(batchSize) / learnerSecondsPerBatch / replayRatio
  }

  /// Actors that together supply what the learner absorbs at `replayRatio` (fractional).
  public func actorsToSaturate(replayRatio: Double) -> Double {
    learnerTransitionsPerSecond(replayRatio: replayRatio) * actorSecondsPerTransition
  }

  /// Bytes per second of fragments on the wire when `actors` actors each run flat out.
  public func fragmentBandwidth(actors: Int, bytesPerTransition: Int) -> Double {
    Double(actors) / actorSecondsPerTransition * Double(bytesPerTransition)
  }
}
