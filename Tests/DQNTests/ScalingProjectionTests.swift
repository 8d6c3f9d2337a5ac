import DQN
import Testing

@Suite struct ScalingProjectionTests {
  /// A learner at 10 ms per batch of 128 samples 12,800 transitions/s: 400 collected per second
  /// at replay ratio 32, fed by 4 actors at 10 ms (100 transitions/s) each.
  @Test func knownAnswer() {
    let projection = ScalingProjection(actorSecondsPerTransition: 0.01, learnerSecondsPerBatch: 0.01, batchSize: 128)
    #expect(abs(projection.learnerTransitionsPerSecond(replayRatio: 32) - 400) < 1e-9)
    #expect(abs(projection.actorsToSaturate(replayRatio: 32) - 4) < 1e-9)
    #expect(abs(projection.actorsToSaturate(replayRatio: 4) - 32) < 1e-9)
    #expect(abs(projection.fragmentBandwidth(actors: 2, bytesPerTransition: 117) - 2 * 100 * 117) < 1e-6)
  }
}
