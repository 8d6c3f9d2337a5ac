extension DQNAgent {
  /// Stores an actor's fragment in the replay: the actor's copy `c` writes stream
  /// `firstStream + c`, each transition with the actor's priority; observed steps count as the
  /// single loop's do (β's annealing follows them).
  func store(_ fragment: ExperienceFragment, firstStream: Int) {
    for entry in 0..<fragment.count {
      let stream = firstStream + Int(fragment.copies[entry])
      let bits = fragment.flags[entry]
      if bits & ExperienceFragment.flagTransition != 0 {
        replay.add(
          frame: fragment.frame(entry), action: Int(fragment.actions[entry]),
          reward: settings.clipped(fragment.rewards[entry]),
          terminated: bits & ExperienceFragment.flagTerminated != 0, truncated: bits & ExperienceFragment.flagTruncated != 0,
          stream: stream, priority: fragment.priorities[entry])
        steps += 1
      } else {
        replay.addFinal(frame: fragment.frame(entry), stream: stream)
      }
    }
  }

  /// Whether the learner may update now: past `learningStarts`, a batch's worth stored, and
  /// fewer transitions sampled so far than `replayRatio` allows for the transitions collected.
  func learnerMayUpdate(replayRatio: Double) -> Bool {
    guard steps > settings.learningStarts, replay.count >= settings.batchSize else { return false }
    let allowed = Double(steps - settings.learningStarts) * replayRatio
    return Double(updates * settings.batchSize) < allowed && replay.canSample
  }
}
