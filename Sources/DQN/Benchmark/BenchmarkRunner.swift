import FileIO
import Foundation
import GridGames

/// Runs a benchmark: one `dqn train` child process per (game, seed), `jobs` at a time, each an
/// ordinary run folder; resumes runs with a checkpoint, skips finished ones (from the run folder
/// or the committed results folder), evaluates each finished run's final weights over
/// `evaluationEpisodes` episodes, copies its logs to the results folder, and reports progress.
public final class BenchmarkRunner {
  public struct Settings: Sendable {
    public var games: [String]
    public var family: String
    public var seeds: [UInt64]
    /// Steps per run (nil: each game's preset's `steps`, which must then agree per game).
    public var steps: Int
    public var jobs: Int
    public var out: URL
    public var results: URL
    /// `--set key=value` overrides passed to every new run.
    public var overrides: [String] = []
    public var threads: Int = 1
    /// The `dqn` executable the runs are started with.
    public var executable: URL
    /// Extra arguments for every `dqn train` of a new run (`--environments DIR`, `--agent FILE`).
    public var trainArguments: [String] = []
    public var evaluationEpisodes = 100
    public var evaluationSeed: UInt64 = 20_190_303
    /// Seconds between progress reports.
    public var progressInterval: Double = 10

    public init(
      games: [String], family: String, seeds: [UInt64], steps: Int, jobs: Int, out: URL, results: URL, executable: URL
    ) {
      self.games = games
      self.family = family
      self.seeds = seeds
      self.steps = steps
      self.jobs = jobs
      self.out = out
      self.results = results
      self.executable = executable
    }
  }

  public let settings: Settings
  public let runs: [BenchmarkRun]
  /// Runs whose child failed in this invocation, with the end of their log.
  public private(set) var failures: [(run: BenchmarkRun, message: String)] = []

  public init(settings: Settings) {
    self.settings = settings
    runs = settings.games.flatMap { game in
      settings.seeds.map { BenchmarkRun(game: game, seed: $0, out: settings.out, results: settings.results) }
    }
  }

  /// The command line of the `dqn train` child for `run` in its present state.
  public func trainArguments(for run: BenchmarkRun) -> [String] {
    let base: [String]
    if case .started = run.status(steps: settings.steps) {
      base = ["train", "--resume", run.folder.path, "--steps", "\(settings.steps)"]
    } else {
      base = ["train", "--env", run.game, "--agent", settings.family, "--seed", "\(run.seed)",
              "--steps", "\(settings.steps)", "--out", run.folder.path] + settings.overrides.flatMap { ["--set", $0] }
        + settings.trainArguments
    }
    return base + ["--quiet", "--threads", "\(settings.threads)"]
  }

  private final class Child {
    let run: BenchmarkRun
    let process: Process
    let log: FileHandle
    init(run: BenchmarkRun, process: Process, log: FileHandle) {
      self.run = run
      self.process = process
      self.log = log
    }
  }

  /// Trains every unfinished run and finishes every trained one. Returns when all are done or,
  /// after `shouldStop` turns true, when the running children have saved their checkpoints
  /// and exited (they get the same SIGINT from the terminal; they are also sent SIGINT).
  ///
  /// - Parameter report: receives progress text (every `progressInterval` seconds, and events).
  public func run(report: (String) -> Void, shouldStop: () -> Bool) throws(BenchmarkError) {
    try FileManager.default.createDirectoryIfNeeded(settings.out)
    var pending: [BenchmarkRun] = []
    for run in runs {
      switch run.status(steps: settings.steps) {
      case .trained(evaluated: true):
        if !FileManager.default.fileExists(atPath: run.resultsFolder.appendingPathComponent(BenchmarkRun.finalEvaluationName).path) {
          try run.copyResults()
        }
        report("\(run.name): finished (skipped)")
      case .trained(evaluated: false):
        try finish(run, report: report)
      case .started(let step):
        report("\(run.name): resuming at step \(step)")
        pending.append(run)
      case .new:
        pending.append(run)
      }
    }
    var running: [Child] = []
    var stopping = false
    var lastReport = Date.distantPast
    // Once stopping, runs still waiting are left for the next invocation: only the children end.
    while (!pending.isEmpty && !stopping) || !running.isEmpty {
      if !stopping && shouldStop() {
        stopping = true
        report("stopping: the running children save a checkpoint and exit; run the same command again to continue")
        for child in running where child.process.isRunning { kill(child.process.processIdentifier, SIGINT) }
      }
      while !stopping && running.count < settings.jobs && !pending.isEmpty {
        let run = pending.removeFirst()
        running.append(try launch(run, report: report))
      }
      var index = 0
      while index < running.count {
        let child = running[index]
        if child.process.isRunning {
          index += 1
          continue
        }
        running.remove(at: index)
        try? child.log.close()
        let status = child.process.terminationStatus
        if case .trained = child.run.status(steps: settings.steps) {
          try finish(child.run, report: report)
        } else if !stopping {
          let tail = Self.tail(of: child.run.folder.appendingPathComponent("train.log"), lines: 5)
          failures.append((child.run, "exit status \(status): \(tail)"))
          report("\(child.run.name): FAILED (exit status \(status)); see \(child.run.folder.path)/train.log:\n\(tail)")
        }
      }
      if Date().timeIntervalSince(lastReport) >= settings.progressInterval && !running.isEmpty {
        lastReport = Date()
        report(progressTable(running: running.map(\.run), pending: pending))
      }
      if !running.isEmpty { Thread.sleep(forTimeInterval: 0.2) }
    }
  }

  private func launch(_ run: BenchmarkRun, report: (String) -> Void) throws(BenchmarkError) -> Child {
    let arguments = trainArguments(for: run)
    do {
      try FileManager.default.createDirectory(at: run.folder, withIntermediateDirectories: true)
      let logURL = run.folder.appendingPathComponent("train.log")
      if !FileManager.default.fileExists(atPath: logURL.path) {
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
      }
      let log = try FileHandle(forWritingTo: logURL)
      try log.seekToEnd()
      try log.write(contentsOf: Data(("$ dqn " + arguments.joined(separator: " ") + "\n").utf8))
      let process = Process()
      process.executableURL = settings.executable
      process.arguments = arguments
      process.standardOutput = log
      process.standardError = log
      process.standardInput = FileHandle.nullDevice
      try process.run()
      report("\(run.name): started (dqn \(arguments.joined(separator: " ")))")
      return Child(run: run, process: process, log: log)
    } catch {
      throw .launch(executable: settings.executable.path, detail: error.localizedDescription)
    }
  }

  /// Evaluates a trained run's final weights, writes `final-eval.csv` and copies the results.
  public func finish(_ run: BenchmarkRun, report: (String) -> Void) throws(BenchmarkError) {
    let folder = RunFolder(run.folder)
    let final: BenchmarkRun.FinalEvaluation
    if let existing = BenchmarkRun.finalEvaluation(in: run.folder), existing.step >= settings.steps {
      final = existing
    } else {
      final = try evaluate(folder)
      do {
        try AtomicFile.write(final.csv, to: run.folder.appendingPathComponent(BenchmarkRun.finalEvaluationName))
      } catch {
        throw .run(folder: run.folder.path, detail: error.description)
      }
    }
    try run.copyResults()
    report(String(format: "%@: finished, final evaluation %.2f ± %.2f over %d episodes", run.name, final.mean, final.standardDeviation, final.episodes))
  }

  func evaluate(_ folder: RunFolder) throws(BenchmarkError) -> BenchmarkRun.FinalEvaluation {
    do {
      let description = try folder.readDescription()
      let result = try RunFolder.evaluate(
        description, weights: folder.weightsFile, episodes: settings.evaluationEpisodes,
        epsilon: description.preset.evalEpsilon, seed: settings.evaluationSeed)
      return BenchmarkRun.FinalEvaluation(
        step: description.stepsDone, mean: result.mean, standardDeviation: result.standardDeviation,
        episodes: result.episodes, weights: "weights.safetensors")
    } catch {
      throw .run(folder: folder.url.path, detail: "cannot evaluate the final weights: \(error)")
    }
  }

  // MARK: - Progress

  /// One line per run: step, recent return, last evaluation, steps/s and ETA.
  public func progressTable(running: [BenchmarkRun], pending: [BenchmarkRun]) -> String {
    var lines = ["\(Self.clock()) benchmark \(settings.family): \(running.count) running, \(pending.count) waiting"]
    for run in running {
      let progress = RunProgress(folder: run.folder)
      lines.append("  " + progress.line(name: run.name, steps: settings.steps))
    }
    return lines.joined(separator: "\n")
  }

  private static func clock() -> String {
    let formatter = DateFormatter()
    formatter.dateFormat = "HH:mm:ss"
    return formatter.string(from: Date())
  }

  static func tail(of url: URL, lines count: Int) -> String {
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return "(no log)" }
    return text.split(separator: "\n").suffix(count).joined(separator: "\n")
  }
}

/// A run's progress, read from the tail of its `metrics.csv` and `eval.csv`.
public struct RunProgress: Sendable, Equatable {
  public var step = 0
  public var wallTime: Double = 0
  public var recentReturn: Double?
  public var lastEvaluation: Double?

  public init(folder: URL) {
    let rows = Self.tailRows(folder.appendingPathComponent("metrics.csv"), bytes: 8_192)
    if let last = rows.last, last.count >= 8 {
      step = Int(last[0]) ?? 0
      wallTime = Double(last[7]) ?? 0
    }
    let returns = rows.suffix(100).compactMap { $0.count >= 3 ? Double($0[2]) : nil }
    if !returns.isEmpty { recentReturn = returns.reduce(0, +) / Double(returns.count) }
    if let evaluation = Self.tailRows(folder.appendingPathComponent("eval.csv"), bytes: 1_024).last, evaluation.count >= 5 {
      lastEvaluation = Double(evaluation[1])
      // Long episodes (Freeway's 2,500 steps, in 128 games at once) can leave metrics.csv behind.
      if let evaluated = Int(evaluation[0]), evaluated > step {
        step = evaluated
        wallTime = Double(evaluation[4]) ?? wallTime
      }
    }
  }

  /// `breakout-seed1  step 120000/5000000 (2.4%)  return(100) 3.20  eval 4.10  850 steps/s  ETA 1h35m`.
  public func line(name: String, steps: Int) -> String {
    let rate = wallTime > 0 ? Double(step) / wallTime : 0
    let eta = rate > 0 ? Self.duration(Double(max(steps - step, 0)) / rate) : "?"
    let percent = steps > 0 ? 100 * Double(step) / Double(steps) : 0
    return String(format: "%@  step %d/%d (%.1f%%)  return(100) %@  eval %@  %.0f steps/s  ETA %@",
      name.padding(toLength: 24, withPad: " ", startingAt: 0), step, steps, percent,
      recentReturn.map { String(format: "%.2f", $0) } ?? "–", lastEvaluation.map { String(format: "%.2f", $0) } ?? "–",
      rate, eta)
  }

  static func duration(_ seconds: Double) -> String {
    let total = Int(seconds.rounded())
    if total >= 3600 { return "\(total / 3600)h\(String(format: "%02d", (total % 3600) / 60))m" }
    if total >= 60 { return "\(total / 60)m\(String(format: "%02d", total % 60))s" }
    return "\(total)s"
  }

  /// The complete rows in the last `bytes` of a CSV file (not its header).
  static func tailRows(_ url: URL, bytes: Int) -> [[String]] {
    guard let handle = try? FileHandle(forReadingFrom: url) else { return [] }
    defer { try? handle.close() }
    let end = (try? handle.seekToEnd()) ?? 0
    let start = end > UInt64(bytes) ? end - UInt64(bytes) : 0
    try? handle.seek(toOffset: start)
    guard let data = try? handle.readToEnd() else { return [] }
    var lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
    if start > 0 && !lines.isEmpty { lines.removeFirst() }  // a partial line
    return lines.filter { !$0.hasPrefix("step,") }.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
  }
}

extension FileManager {
  func createDirectoryIfNeeded(_ url: URL) throws(BenchmarkError) {
    do {
      try createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw .run(folder: url.path, detail: "cannot create the folder: \(error.localizedDescription)")
    }
  }
}
