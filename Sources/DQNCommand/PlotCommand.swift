import ArgumentParser
import Foundation
import Viewer

/// `dqn plot`: learning curves of one or more runs as a PNG.
struct PlotCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plot",
    abstract: "Plot learning curves of one or more runs to a PNG.",
    discussion: """
      Reads metrics.csv (one row per episode) and eval.csv (evaluations) from each run folder. \
      Raw values are faint, a moving average (a tenth of the episodes, at most 100) bold, and \
      evaluations are marked; several runs are overlaid with a legend.
      """)

  @Argument(help: "Run folders (each holds metrics.csv, and eval.csv for evaluations).")
  var runs: [String]

  @Option(help: "The PNG to write.")
  var out = "curve.png"

  @Option(help: "What to plot: return (episode returns), loss, q (mean max Q) or eval (evaluation mean ± std). Default return.")
  var metric: MetricChoice = .return

  @Option(help: "Image width in pixels.")
  var width = 960

  @Option(help: "Image height in pixels.")
  var height = 560

  enum MetricChoice: String, ExpressibleByArgument, CaseIterable {
    case `return`, loss, q, eval
  }

  func validate() throws {
    guard !runs.isEmpty else { throw ValidationError("pass at least one run folder") }
    guard (320...8192).contains(width), (240...8192).contains(height) else {
      throw ValidationError("--width must be in 320...8192 and --height in 240...8192, got \(width)×\(height)")
    }
  }

  func run() throws {
    let outURL = URL(fileURLWithPath: out)
    try checkWritable(outURL)
    let metrics = try runs.map { try RunMetrics.load(URL(fileURLWithPath: $0)) }
    guard let chosen = LearningCurvePlot.Metric(rawValue: metric.rawValue) else { return }
    var plot = LearningCurvePlot(runs: metrics, metric: chosen)
    plot.width = width
    plot.height = height
    try plot.write(to: outURL)
    let counts = metrics.map { "\($0.name): \($0.episodes.count) episodes, \($0.evaluations.count) evaluations" }
    print("wrote \(out) (\(width)×\(height), \(chosen.rawValue)); " + counts.joined(separator: "; "))
  }
}
