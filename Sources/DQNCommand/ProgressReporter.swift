import DQN
import Foundation

/// Turns training events into a live line on a terminal, or a plain line every few seconds.
struct ProgressReporter {
  let quiet: Bool
  private let isTerminal = Console.isTerminal
  private var lastPrint = ContinuousClock.now
  private var printedLive = false

  init(quiet: Bool) { self.quiet = quiet }

  mutating func handle(_ event: TrainingEvent) {
    guard !quiet else { return }
    switch event {
    case .progress(let progress):
      let now = ContinuousClock.now
      let interval: Duration = isTerminal ? .milliseconds(250) : .seconds(5)
      guard now - lastPrint >= interval else { return }
      lastPrint = now
      Console.progress(Self.line(progress))
      printedLive = isTerminal
    case .evaluation(let step, let result, let isBest):
      if printedLive { Console.endProgress() }
      printedLive = false
      print("eval at step \(step): \(result.summaryLine)\(isBest ? " (best so far)" : "")")
    case .episode, .checkpoint:
      break
    }
  }

  func finish() {
    if printedLive { Console.endProgress() }
  }

  static func line(_ progress: TrainingProgress) -> String {
    var parts = [
      "step \(progress.step)/\(progress.totalSteps)",
      String(format: "%.0f steps/s", progress.stepsPerSecond),
      "episodes \(progress.episodes)",
      "return(100) " + (progress.meanReturn.map { String(format: "%.2f", $0) } ?? "-"),
      String(format: "ε %.3f", progress.epsilon),
      "loss " + (progress.loss.map { String(format: "%.4f", $0) } ?? "-"),
    ]
    if !progress.actorStepsPerSecond.isEmpty {
      parts.append("actors " + progress.actorStepsPerSecond.map { String(format: "%.0f", $0) }.joined(separator: "/") + " steps/s")
    }
    if let updates = progress.learnerUpdatesPerSecond { parts.append(String(format: "learner %.1f updates/s", updates)) }
    if let remaining = progress.secondsRemaining { parts.append("ETA \(formatDuration(remaining))") }
    return parts.joined(separator: "  ")
  }

  static func formatDuration(_ seconds: Double) -> String {
    let total = Int(seconds.rounded())
    if total >= 3600 { return "\(total / 3600)h\(String(format: "%02d", (total % 3600) / 60))m" }
    if total >= 60 { return "\(total / 60)m\(String(format: "%02d", total % 60))s" }
    return "\(total)s"
  }
}
