import Foundation

extension RunCheckpoint {
  /// The most entries `recentReturns` holds (the progress line's mean of the last 100).
  static let recentReturnsKept = 100

  /// Decodes and checks a checkpoint's `state.json`; `file` names it in errors.
  ///
  /// Every count must be ≥ 0 and fit the others (episodes and the current episode's actions at
  /// most the steps), every action in `0..<actionCount`, the current episode shorter than
  /// `maxEpisodeSteps` (when the environment has a time limit), every number finite, and the
  /// event file a plain name in the run folder.
  public static func decodeState(
    _ data: Data, file: String, actionCount: Int, maxEpisodeSteps: Int?, maximumPendingUpdates: Int = Int.max
  ) throws(TrainingError) -> (loop: TrainingState, agent: DQNAgent.Counters) {
    let scalars: Scalars
    do {
      scalars = try JSONDecoder().decode(Scalars.self, from: data)
    } catch {
      throw .corruptRun(file: file, detail: "cannot be read: \(error)")
    }
    let (loop, agent) = (scalars.loop, scalars.agent)
    func check(_ condition: Bool, _ detail: @autoclosure () -> String) throws(TrainingError) {
      if !condition { throw .corruptRun(file: file, detail: detail()) }
    }
    try check(loop.step >= 0, "step is \(loop.step), allowed ≥ 0")
    try check(agent.updates >= 0, "updateCount is \(agent.updates), allowed ≥ 0")
    try check(
      (0...maximumPendingUpdates).contains(agent.pendingUpdates),
      "pendingUpdates is \(agent.pendingUpdates), allowed 0...\(maximumPendingUpdates) (gradientSteps)")
    try check((0...loop.step).contains(loop.episode), "episode is \(loop.episode), allowed 0...\(loop.step) (the steps done)")
    try check(loop.metricsRows >= 0, "metricsRows is \(loop.metricsRows), allowed ≥ 0")
    try check(loop.evalRows >= 0, "evalRows is \(loop.evalRows), allowed ≥ 0")
    try check(
      loop.episodeActions.count <= loop.step,
      "episodeActions holds \(loop.episodeActions.count) actions, more than the \(loop.step) steps done")
    if let maxEpisodeSteps {
      try check(
        loop.episodeActions.count < maxEpisodeSteps,
        "episodeActions holds \(loop.episodeActions.count) actions, but episodes end after \(maxEpisodeSteps) steps")
    }
    if let bad = loop.episodeActions.firstIndex(where: { !(0..<actionCount).contains($0) }) {
      throw .corruptRun(
        file: file, detail: "episodeActions[\(bad)] is \(loop.episodeActions[bad]), allowed 0..<\(actionCount)")
    }
    try check(loop.episodeReturn.isFinite, "episodeReturn is \(loop.episodeReturn), allowed a finite number")
    // The other environment copies' episodes (`--envs N`): the same checks.
    for (index, other) in (loop.otherEpisodes ?? []).enumerated() {
      let name = "otherEpisodes[\(index)]"
      try check(
        other.actions.count <= loop.step,
        "\(name).actions holds \(other.actions.count) actions, more than the \(loop.step) steps done")
      if let maxEpisodeSteps {
        try check(
          other.actions.count < maxEpisodeSteps,
          "\(name).actions holds \(other.actions.count) actions, but episodes end after \(maxEpisodeSteps) steps")
      }
      if let bad = other.actions.firstIndex(where: { !(0..<actionCount).contains($0) }) {
        throw .corruptRun(file: file, detail: "\(name).actions[\(bad)] is \(other.actions[bad]), allowed 0..<\(actionCount)")
      }
      try check(other.episodeReturn.isFinite, "\(name).episodeReturn is \(other.episodeReturn), allowed a finite number")
    }
    try check(loop.bestEvalReturn?.isFinite ?? true, "bestEvalReturn is not a finite number")
    try check(
      loop.recentReturns.count <= recentReturnsKept && loop.recentReturns.allSatisfy(\.isFinite),
      "recentReturns must be at most \(recentReturnsKept) finite numbers")
    try check(
      loop.elapsedSeconds.isFinite && loop.elapsedSeconds >= 0,
      "elapsedSeconds is \(loop.elapsedSeconds), allowed a finite number ≥ 0")
    let statistics = agent.statistics
    try check(
      statistics.updates >= 0 && statistics.lossSum.isFinite && statistics.maxQSum.isFinite,
      "the learning statistics must be a count ≥ 0 and finite sums")
    if let events = loop.events {
      try check(
        !events.file.isEmpty && !events.file.contains("/") && events.file != "." && events.file != "..",
        "events.file '\(events.file)' must be a file name in the run folder")
      try check(events.bytes >= 0, "events.bytes is \(events.bytes), allowed ≥ 0")
    }
    return (loop, agent)
  }
}
