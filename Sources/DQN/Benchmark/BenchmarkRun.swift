import FileIO
import Foundation

/// One (game, seed) run of a benchmark: an ordinary run folder `OUT/<game>-seed<seed>`, and its
/// copy for the repository, `RESULTS/<game>-seed<seed>` (`eval.csv`, `metrics.csv` thinned to at
/// most `BenchmarkRun.keptMetricsRows` rows, `agent.yaml`, `final-eval.csv`).
public struct BenchmarkRun: Sendable, Equatable {
  public var game: String
  public var seed: UInt64
  public var folder: URL
  public var resultsFolder: URL

  /// `breakout-seed1`.
  public var name: String { "\(game)-seed\(seed)" }

  public init(game: String, seed: UInt64, out: URL, results: URL) {
    self.game = game
    self.seed = seed
    folder = out.appendingPathComponent("\(game)-seed\(seed)")
    resultsFolder = results.appendingPathComponent("\(game)-seed\(seed)")
  }

  /// The most `metrics.csv` rows a results copy keeps (every k-th row, the last always).
  public static let keptMetricsRows = 5_000
  /// The final evaluation's file in the run and results folders.
  public static let finalEvaluationName = "final-eval.csv"
  public static let finalEvaluationHeader = "step,mean_return,std_return,episodes,weights"

  /// Where a run stands.
  public enum Status: Sendable, Equatable {
    /// Nothing to resume: start it (again, if it stopped before its first checkpoint).
    case new
    /// It has a checkpoint at `step`: resume it.
    case started(step: Int)
    /// It trained `steps` steps or more (in its run folder, or as its committed results say),
    /// and needs only its final evaluation and results copy if `evaluated` is false.
    case trained(evaluated: Bool)
  }

  /// The run's state for a benchmark of `steps` steps.
  public func status(steps: Int) -> Status {
    if let final = Self.finalEvaluation(in: resultsFolder), final.step >= steps { return .trained(evaluated: true) }
    let run = RunFolder(folder)
    let description = try? run.readDescription()
    if let description, description.stepsDone >= steps, FileManager.default.fileExists(atPath: run.weightsFile.path) {
      if let final = Self.finalEvaluation(in: folder), final.step >= steps { return .trained(evaluated: true) }
      return .trained(evaluated: false)
    }
    if RunCheckpoint(folder: run).exists { return .started(step: description?.stepsDone ?? 0) }
    return .new
  }

  /// A final evaluation as `final-eval.csv` holds it.
  public struct FinalEvaluation: Sendable, Equatable {
    public var step: Int
    public var mean: Double
    public var standardDeviation: Double
    public var episodes: Int
    public var weights: String

    public var csv: String {
      BenchmarkRun.finalEvaluationHeader + "\n" + "\(step),\(mean),\(standardDeviation),\(episodes),\(weights)\n"
    }
  }

  /// Reads `final-eval.csv` in `folder` (nil when absent or unreadable).
  public static func finalEvaluation(in folder: URL) -> FinalEvaluation? {
    guard let text = try? String(contentsOf: folder.appendingPathComponent(finalEvaluationName), encoding: .utf8) else { return nil }
    let lines = text.split(separator: "\n").map(String.init)
    guard lines.count >= 2, lines[0] == finalEvaluationHeader else { return nil }
    let fields = lines[1].split(separator: ",").map(String.init)
    guard fields.count == 5, let step = Int(fields[0]), let mean = Double(fields[1]), let std = Double(fields[2]),
      let episodes = Int(fields[3])
    else { return nil }
    return FinalEvaluation(step: step, mean: mean, standardDeviation: std, episodes: episodes, weights: fields[4])
  }

  /// Copies the run's logs into the results folder: `eval.csv`, `agent.yaml`, `final-eval.csv`
  /// whole, `metrics.csv` thinned to at most `keptMetricsRows` rows.
  public func copyResults() throws(BenchmarkError) {
    do {
      try FileManager.default.createDirectory(at: resultsFolder, withIntermediateDirectories: true)
      for name in ["eval.csv", "agent.yaml", Self.finalEvaluationName] {
        let source = folder.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: source.path) else {
          throw BenchmarkError.run(folder: folder.path, detail: "\(name) is missing")
        }
        try AtomicFile.write(data, to: resultsFolder.appendingPathComponent(name))
      }
      let metrics = try String(contentsOf: folder.appendingPathComponent("metrics.csv"), encoding: .utf8)
      try AtomicFile.write(Self.thinned(metrics, keeping: Self.keptMetricsRows), to: resultsFolder.appendingPathComponent("metrics.csv"))
    } catch let error as BenchmarkError {
      throw error
    } catch {
      throw .run(folder: resultsFolder.path, detail: "cannot copy the results: \(error.localizedDescription)")
    }
  }

  /// A CSV text with its header and at most `rows` of its rows: every k-th, and the last.
  public static func thinned(_ csv: String, keeping rows: Int) -> String {
    let lines = csv.split(separator: "\n", omittingEmptySubsequences: true)
    guard lines.count - 1 > rows, rows > 0 else { return csv }
    let body = lines.dropFirst()
    let every = (body.count + rows - 1) / rows
    var kept = [lines[0]]
    for (index, line) in body.enumerated() where index % every == 0 || index == body.count - 1 { kept.append(line) }
    return kept.joined(separator: "\n") + "\n"
  }
}
