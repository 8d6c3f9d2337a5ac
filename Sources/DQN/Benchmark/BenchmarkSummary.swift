import Foundation

/// What a benchmark's finished runs add up to: per game, each seed's final evaluation, the mean
/// and standard deviation across seeds, frames, wall-clock hours and steps per second, beside
/// the reference figures; written as `results.csv` and `results.md`, and drawn by `BenchmarkPlot`.
public struct BenchmarkSummary: Sendable {
  /// One finished run.
  public struct SeedResult: Sendable, Equatable {
    public var seed: UInt64
    public var final: BenchmarkRun.FinalEvaluation
    public var steps: Int
    public var frames: Int
    public var seconds: Double
    /// `eval.csv`: (step, mean return) of every periodic evaluation.
    public var curve: [(step: Double, mean: Double)]

    public static func == (a: SeedResult, b: SeedResult) -> Bool {
      a.seed == b.seed && a.final == b.final && a.steps == b.steps && a.frames == b.frames && a.seconds == b.seconds
        && a.curve.map(\.step) == b.curve.map(\.step) && a.curve.map(\.mean) == b.curve.map(\.mean)
    }
  }

  /// One game: the seeds that finished and those that have not.
  public struct GameResult: Sendable, Equatable {
    public var game: String
    public var seeds: [SeedResult]
    public var unfinished: [UInt64]

    /// The mean of the seeds' final evaluations (nil when none finished).
    public var mean: Double? { seeds.isEmpty ? nil : seeds.map(\.final.mean).reduce(0, +) / Double(seeds.count) }
    /// The sample standard deviation across seeds (nil for fewer than two: one seed has no spread
    /// to report, and a table saying ± 0 would claim one).
    public var standardDeviation: Double? {
      guard let mean, seeds.count > 1 else { return nil }
      let squares = seeds.map { ($0.final.mean - mean) * ($0.final.mean - mean) }.reduce(0, +)
      return (squares / Double(seeds.count - 1)).squareRoot()
    }
  }

  public var family: String
  public var steps: Int
  public var games: [GameResult]
  public var references: BenchmarkReferences
  /// The command that produced it, for the tables.
  public var command: String

  public init(family: String, steps: Int, games: [GameResult], references: BenchmarkReferences, command: String) {
    self.family = family
    self.steps = steps
    self.games = games
    self.references = references
    self.command = command
  }

  /// Reads every run's results (its results folder, else its run folder) that has a final
  /// evaluation at `steps` or later.
  public static func collect(
    runs: [BenchmarkRun], family: String, steps: Int, references: BenchmarkReferences, command: String
  ) -> BenchmarkSummary {
    var games: [GameResult] = []
    for run in runs {
      if !games.contains(where: { $0.game == run.game }) { games.append(GameResult(game: run.game, seeds: [], unfinished: [])) }
      let index = games.firstIndex { $0.game == run.game }!
      if let result = seedResult(run, steps: steps) {
        games[index].seeds.append(result)
      } else {
        games[index].unfinished.append(run.seed)
      }
    }
    return BenchmarkSummary(family: family, steps: steps, games: games, references: references, command: command)
  }

  static func seedResult(_ run: BenchmarkRun, steps: Int) -> SeedResult? {
    for folder in [run.resultsFolder, run.folder] {
      guard let final = BenchmarkRun.finalEvaluation(in: folder), final.step >= steps else { continue }
      let evaluations = CSVRows(folder.appendingPathComponent("eval.csv"))
      let metrics = CSVRows(folder.appendingPathComponent("metrics.csv"))
      let curve = evaluations.rows.compactMap { row -> (step: Double, mean: Double)? in
        guard let step = row["step"].flatMap(Double.init), let mean = row["mean_return"].flatMap(Double.init) else { return nil }
        return (step, mean)
      }
      let seconds = [evaluations.last("wall_time"), metrics.last("wall_time")].compactMap { $0 }.max() ?? 0
      let frameSkip = (try? RunFolder(folder).readDescription())?.environment.observation.frameSkip ?? 1
      return SeedResult(
        seed: run.seed, final: final, steps: final.step, frames: final.step * frameSkip, seconds: seconds, curve: curve)
    }
    return nil
  }

  // MARK: - Files

  /// `results.csv`: one row per game.
  public var csv: String {
    let referenceColumns = references.references.map { Self.column($0.name) }
    var lines = [
      (["game", "family", "seeds_finished", "seeds_planned", "mean", "std", "per_seed", "steps", "frames", "hours_per_run",
        "steps_per_second"] + referenceColumns).joined(separator: ",")
    ]
    for game in games {
      let hours = game.seeds.isEmpty ? nil : game.seeds.map(\.seconds).reduce(0, +) / Double(game.seeds.count) / 3600
      let mean: String = game.mean.map { Self.number($0) } ?? ""
      let std: String = game.standardDeviation.map { Self.number($0) } ?? ""
      let perSeed: String = game.seeds.map { (seed: SeedResult) -> String in "\(seed.seed):\(Self.number(seed.final.mean))" }
        .joined(separator: ";")
      let stepsText: String = game.seeds.map(\.steps).max().map { String($0) } ?? ""
      let framesText: String = game.seeds.map(\.frames).max().map { String($0) } ?? ""
      let hoursText: String = hours.map { String(format: "%.3f", $0) } ?? ""
      let rateText: String = stepsPerSecond(game).map { String(format: "%.0f", $0) } ?? ""
      var fields: [String] = [game.game, family, "\(game.seeds.count)", "\(game.seeds.count + game.unfinished.count)"]
      fields += [mean, std, perSeed, stepsText, framesText, hoursText, rateText]
      fields += references.references.map { (reference: BenchmarkReferences.Reference) -> String in
        reference.scores[game.game].map { Self.number($0) } ?? ""
      }
      lines.append(fields.joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The mean steps per second of a game's finished runs.
  func stepsPerSecond(_ game: GameResult) -> Double? {
    let rates = game.seeds.filter { $0.seconds > 0 }.map { Double($0.steps) / $0.seconds }
    return rates.isEmpty ? nil : rates.reduce(0, +) / Double(rates.count)
  }

  /// `results.md`: the table, the note on observations and action sets, the references' sources
  /// and the command.
  public var markdown: String {
    let finished = games.map(\.seeds.count).reduce(0, +)
    let planned = games.map { $0.seeds.count + $0.unfinished.count }.reduce(0, +)
    var text = "# Benchmark: \(family), \(steps) steps per run\n\n"
    let episodes = Set(games.flatMap { $0.seeds.map(\.final.episodes) }).sorted().map(String.init).joined(separator: "/")
    text += "\(finished) of \(planned) runs finished. Each seed's score is the mean return of \(episodes.isEmpty ? "100" : episodes) evaluation episodes "
    text += "with its final weights; mean ± standard deviation across seeds.\n\n"
    let referenceHeads = references.references.map { "\($0.name)" }
    text += "| game | mean ± std | seeds | frames | hours per run | steps/s | " + referenceHeads.joined(separator: " | ") + " |\n"
    text += "|---|---|---|---|---|---|" + String(repeating: "---|", count: referenceHeads.count) + "\n"
    for game in games {
      let score = game.mean.map { mean in
        game.standardDeviation.map { "\(Self.number(mean)) ± \(Self.number($0))" } ?? "\(Self.number(mean)) (one seed)"
      } ?? "–"
      let seeds = game.seeds.map { "\($0.seed): \(Self.number($0.final.mean))" }
        + game.unfinished.map { "\($0): not finished" }
      let hours = game.seeds.isEmpty ? "–" : String(format: "%.2f", game.seeds.map(\.seconds).reduce(0, +) / Double(game.seeds.count) / 3600)
      let rate = stepsPerSecond(game).map { String(format: "%.0f", $0) } ?? "–"
      let frames = game.seeds.map(\.frames).max().map { "\($0)" } ?? "–"
      let referenceCells = references.references.map { $0.scores[game.game].map { Self.number($0) } ?? "–" }
      text += "| \(game.game) | \(score) | \(seeds.joined(separator: ", ")) | \(frames) | \(hours) | \(rate) | "
        + referenceCells.joined(separator: " | ") + " |\n"
    }
    if !references.note.isEmpty { text += "\n\(references.note)\n" }
    if !references.references.isEmpty {
      text += "\nReferences:\n\n"
      for reference in references.references {
        text += "- **\(reference.name)** (\(reference.frames) frames): \(reference.source)\n"
      }
    }
    text += "\nProduced by:\n\n```\n\(command)\n```\n"
    return text
  }

  private static func column(_ name: String) -> String {
    "ref_" + name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }.reduce("") { $0 + String($1) }
  }

  static func number(_ value: Double) -> String {
    var text = String(format: "%.2f", value)
    while text.contains(".") && (text.hasSuffix("0") || text.hasSuffix(".")) { text.removeLast() }
    return text == "-0" ? "0" : text
  }
}

/// A small CSV reader for the run logs (header line, comma-separated numbers).
struct CSVRows {
  var rows: [[String: String]] = []

  init(_ url: URL) {
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
    guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) else { return }
    for line in lines.dropFirst() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      guard fields.count == header.count else { continue }
      rows.append(Dictionary(uniqueKeysWithValues: zip(header, fields)))
    }
  }

  func last(_ column: String) -> Double? { rows.last?[column].flatMap(Double.init) }
}
