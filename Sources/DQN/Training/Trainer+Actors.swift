import Foundation
import GridGames
import NeuralNetwork

/// Ape-X in one process (`dqn train --actors K`): K actor threads, each with its copies of the
/// environment and its own ε, and this thread as the learner, joined by an `InProcessTransport`.
/// The learner loop (`runLearner`) is the same over MPI (`--distributed`).
extension Trainer {
  /// Trains with `actors` actor threads until `totalSteps` transitions have been collected,
  /// then saves a checkpoint (also when `shouldStop` ends the run early).
  ///
  /// - Throws: `TrainingError` (a non-finite loss, a file error, a transport failure), leaving
  ///   the last checkpoint in place.
  public func trainWithActors(
    toStep totalSteps: Int, shouldStop: () -> Bool = { false }, observer: (TrainingEvent) -> Void = { _ in }
  ) throws(TrainingError) -> TrainingOutcome {
    precondition(actors > 0, "trainWithActors needs a run made with actors > 0")
    let transport = InProcessTransport(capacity: 2 * actors)
    var workers: [ApeXActor] = []
    for index in 0..<actors {
      workers.append(try ApeXActor(
        index: index, actors: actors, envs: envs, preset: preset, definition: definition,
        seed: state.seed &+ UInt64(state.step) &* 0x9E37_79B9, fragmentLength: preset.fragmentLength))
    }
    let finished = DispatchGroup()
    let failures = FailureList()
    for worker in workers {
      finished.enter()
      let thread = Thread {
        do {
          try worker.run(transport: transport)
        } catch {
          failures.append("actor \(worker.index): \(error)")
        }
        finished.leave()
      }
      thread.stackSize = 8 << 20
      thread.name = "actor \(worker.index)"
      thread.start()
    }
    defer {
      transport.close()
      finished.wait()
    }
    return try runLearner(
      transport: transport, actorCount: actors, totalSteps: totalSteps,
      shouldStop: { shouldStop() || failures.first != nil }, observer: observer)
  }

  /// The learner: publishes weights, then alternates between updating (while the replay ratio
  /// allows) and storing the next fragment, logging episodes, evaluating and checkpointing as
  /// the single loop does, by collected transitions.
  ///
  /// - Parameter actorCount: actors feeding it; actor `i`'s copy `c` writes stream `i·envs + c`.
  public func runLearner(
    transport: any LearnerTransport, actorCount: Int, totalSteps: Int, shouldStop: () -> Bool,
    observer: (TrainingEvent) -> Void
  ) throws(TrainingError) -> TrainingOutcome {
    sessionStartStep = state.step
    let lastCheckpoint = { [folder] (step: Int?) in step.map { "\(folder.url.path) at step \($0)" } }
    func transportFailed(_ error: TransportError) -> TrainingError {
      .transport(error, lastCheckpoint: lastCheckpoint(lastCheckpointStep))
    }
    do {
      try transport.publish(WeightSnapshot(version: agent.updates, of: agent.onlineNetwork))
    } catch {
      throw transportFailed(error)
    }
    let ratio = preset.effectiveReplayRatio
    let startUpdates = agent.updates
    var expected = [Int](repeating: 0, count: actorCount)
    var actorSteps = [Int](repeating: 0, count: actorCount)
    func scalingNow() -> (actors: [Double], updates: Double) {
      let seconds = max((ContinuousClock.now - sessionStart).totalSeconds, 1e-9)
      return (actorSteps.map { Double($0) / seconds }, Double(agent.updates - startUpdates) / seconds)
    }
    while state.step < totalSteps {
      if shouldStop() {
        // The checkpoint first: closing may wait on peers (a rank mpirun is taking down).
        try saveCheckpoint(observer: observer)
        transport.close()
        return .interrupted
      }
      if agent.learnerMayUpdate(replayRatio: ratio) {
        let result = agent.learn()
        guard result.loss.isFinite else {
          transport.close()
          throw .nonFiniteLoss(step: state.step, loss: result.loss, lastCheckpoint: lastCheckpoint(lastCheckpointStep))
        }
        if agent.updates % preset.weightSyncPeriod == 0 {
          do {
            try transport.publish(WeightSnapshot(version: agent.updates, of: agent.onlineNetwork))
          } catch {
            throw transportFailed(error)
          }
        }
        continue
      }
      let received: ExperienceFragment?
      do {
        received = try transport.receive(timeout: 0.25)
      } catch {
        throw transportFailed(error)
      }
      guard let fragment = received else { continue }
      guard (0..<actorCount).contains(fragment.actor), fragment.sequence == expected[fragment.actor] else {
        transport.close()
        throw transportFailed(.malformed(
          "fragment \(fragment.sequence) of actor \(fragment.actor) (expected \(fragment.actor < actorCount && fragment.actor >= 0 ? "\(expected[fragment.actor])" : "an actor below \(actorCount)"))"))
      }
      expected[fragment.actor] += 1
      agent.store(fragment, firstStream: fragment.actor * envs)
      let stepBefore = state.step
      let transitions = fragment.transitions
      state.step += transitions
      actorSteps[fragment.actor] += transitions
      for episode in fragment.episodes {
        let rates = scalingNow()
        try logActorEpisode(
          episode, scaling: EpisodeRow.Scaling(
            actor: fragment.actor, actorStepsPerSecond: rates.actors[fragment.actor], learnerUpdatesPerSecond: rates.updates),
          observer: observer)
      }
      if Self.crosses(preset.evalInterval, from: stepBefore, to: state.step) { try evaluate(shouldStop: shouldStop, observer: observer) }
      if Self.crosses(preset.checkpointInterval, from: stepBefore, to: state.step) && state.step < totalSteps {
        try saveCheckpoint(observer: observer)
      }
      if Self.crosses(100, from: stepBefore, to: state.step) {
        var snapshot = progress(totalSteps: totalSteps)
        let rates = scalingNow()
        snapshot.actorStepsPerSecond = rates.actors
        snapshot.learnerUpdatesPerSecond = rates.updates
        observer(.progress(snapshot))
      }
    }
    transport.close()
    try saveCheckpoint(observer: observer)
    return .finished
  }

  /// A `metrics.csv` row for an episode an actor finished.
  private func logActorEpisode(
    _ episode: ExperienceFragment.FinishedEpisode, scaling: EpisodeRow.Scaling, observer: (TrainingEvent) -> Void
  ) throws(TrainingError) {
    state.episode += 1
    let learning = agent.takeStatistics()
    var row = EpisodeRow(
      step: state.step, episode: state.episode, episodeReturn: episode.episodeReturn, length: episode.length,
      epsilon: episode.epsilon, meanLoss: learning.meanLoss, meanMaxQ: learning.meanMaxQ, wallTime: wallTime)
    row.scaling = scaling
    state.recentReturns.append(episode.episodeReturn)
    if state.recentReturns.count > 100 { state.recentReturns.removeFirst() }
    try appendEpisodeRow(row, observer: observer)
  }
}

/// Errors of actor threads, collected for the learner.
final class FailureList: @unchecked Sendable {
  private let lock = NSLock()
  private var items: [String] = []

  func append(_ item: String) {
    lock.lock()
    items.append(item)
    lock.unlock()
  }

  var first: String? {
    lock.lock()
    defer { lock.unlock() }
    return items.first
  }
}
