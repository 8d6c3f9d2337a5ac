import ArgumentParser
import CShims
import DQN
import Foundation
import Viewer

/// `dqn benchmark`: one training run per (game, seed) as separate processes, resumable, with a
/// results table and learning curves beside reference figures.
struct BenchmarkCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "benchmark",
    abstract: "Run the MinAtar benchmark: one training run per (game, seed), J at a time, resumable.",
    discussion: """
      Each (game, seed) is an ordinary run folder OUT/<game>-seed<seed>, trained by \
      a `dqn train --quiet` child process (its output goes to train.log in the \
      folder); --jobs of them run at once. Running the same command again resumes \
      every unfinished run from its checkpoint (dqn train --resume) and skips \
      finished ones, so a benchmark survives interruptions (Ctrl-C: the children \
      save a checkpoint) and can be continued over days.

      Agent families (--agent): dqn (Agents/<game>.yaml: MinAtar's DQN recipe), \
      rainbow-lite (Agents/rainbow-lite/<game>.yaml: Double, Dueling, prioritized \
      replay, 3-step returns, Adam) and pqn (Agents/pqn/<game>.yaml: parallel \
      Q-learning, 128 environments, λ-returns, LayerNorm, no replay).

      When a run finishes, its final weights play 100 evaluation episodes \
      (final-eval.csv), and its eval.csv, metrics.csv (thinned to at most 5,000 \
      rows), agent.yaml and final-eval.csv are copied to RESULTS/<game>-seed<seed> \
      (default Agents/benchmark/<family>): commit that folder, and a later run of \
      the command on another machine counts those runs as finished.

      It writes results.md and results.csv (per game: each seed's final evaluation, \
      mean ± std across seeds, frames, wall-clock hours per run, steps/s, and the \
      references of Agents/benchmark/references.yaml beside them) and curves.png \
      (one panel per game: mean evaluation return over steps, the seeds' range \
      shaded, the family's references dashed) in OUT and in RESULTS. Every \
      --progress-interval seconds it prints each running run's step, mean return of \
      its last 100 episodes, last evaluation, steps/s and ETA.

      Our observations are rendered pixels (4 stacked grayscale frames); the \
      references' are MinAtar's binary object channels.

      Example (the pqn family, three seeds, 10M steps, both cores):
        dqn benchmark --agent pqn --seeds 1,2,3 --steps 10000000 --jobs 2 \\
          --out Agents/runs/benchmark-pqn
      """)

  static let minAtarGames = ["breakout", "freeway", "asterix", "seaquest", "space-invaders"]

  @Option(help: "Games, comma-separated.")
  var envs: String = minAtarGames.joined(separator: ",")

  @Option(help: "Agent family: dqn, rainbow-lite or pqn (pqn, rainbow-lite: folders of per-game presets in Agents/).")
  var agent: String = AgentPreset.defaultFamily

  @Option(help: "Seeds, comma-separated.")
  var seeds: String = "1,2,3"

  @Option(help: "Environment steps per run (default: the family's preset for the first game).")
  var steps: Int?

  @Option(help: "Runs trained at once (default: the number of cores).")
  var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

  @Option(help: "Folder of the run folders and the summary (default Agents/runs/benchmark-<family>).")
  var out: String?

  @Option(help: "Folder of the committed per-run results (default Agents/benchmark/<family>).")
  var results: String?

  @Option(name: .customLong("set"), parsing: .singleValue,
          help: "Override a preset key of every new run, as key=value (repeatable).")
  var overrides: [String] = []

  @Option(help: "Threads for the matrix products of each run.")
  var threads: Int = 1

  @Option(help: "Episodes of each run's final evaluation.")
  var evalEpisodes: Int = 100

  @Option(help: "Seconds between progress reports.")
  var progressInterval: Double = 30

  @Option(help: "The references file (default Agents/benchmark/references.yaml).")
  var references: String?

  @Flag(help: "Only write results.md, results.csv and curves.png from the runs finished so far.")
  var reportOnly = false

  @OptionGroup var environments: EnvironmentDirectoryOption

  var games: [String] { envs.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }

  func parsedSeeds() throws -> [UInt64] {
    try seeds.split(separator: ",").map { text in
      guard let seed = UInt64(text.trimmingCharacters(in: .whitespaces)) else {
        throw ValidationError("--seeds takes comma-separated non-negative integers, got '\(text)'")
      }
      return seed
    }
  }

  func validate() throws {
    guard !games.isEmpty else { throw ValidationError("--envs names no game") }
    guard Set(games).count == games.count else { throw ValidationError("--envs names a game twice") }
    let seedList = try parsedSeeds()
    guard !seedList.isEmpty, Set(seedList).count == seedList.count else { throw ValidationError("--seeds must list distinct seeds") }
    guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    guard (1...64).contains(threads) else { throw ValidationError("--threads must be in 1...64, got \(threads)") }
    guard evalEpisodes >= 1 else { throw ValidationError("--eval-episodes must be at least 1") }
    if let steps, steps <= 0 { throw ValidationError("--steps must be positive, got \(steps)") }
  }

  func run() throws {
    cshims_install_interrupt_handler()
    let agents = AgentPreset.defaultAgentsDirectory()
    guard AgentPreset.isFamily(agent, searchDirectory: agents) else {
      throw ValidationError("--agent \(agent): no such family (available: \(AgentPreset.families(in: agents).joined(separator: ", ")))")
    }
    // Every game's environment and preset must resolve before anything starts.
    var presetSteps: Int?
    for game in games {
      let definition = try environments.resolve(game)
      var preset = try AgentPreset.resolve(agent, environment: definition.name, searchDirectory: agents)
      try preset.apply(overrides: overrides)
      presetSteps = presetSteps ?? preset.steps
    }
    let totalSteps = steps ?? presetSteps ?? 0
    let outURL = URL(fileURLWithPath: out ?? agents.appendingPathComponent("runs/benchmark-\(agent)").path)
    let resultsURL = URL(fileURLWithPath: results ?? agents.appendingPathComponent("benchmark/\(agent)").path)
    var settings = BenchmarkRunner.Settings(
      games: games, family: agent, seeds: try parsedSeeds(), steps: totalSteps, jobs: jobs, out: outURL,
      results: resultsURL, executable: Self.executable())
    settings.overrides = overrides
    settings.threads = threads
    settings.evaluationEpisodes = evalEpisodes
    settings.progressInterval = progressInterval
    if let directory = environments.directory { settings.trainArguments = ["--environments", directory] }
    let runner = BenchmarkRunner(settings: settings)
    let referenceFile = references.map { URL(fileURLWithPath: $0) }
      ?? agents.appendingPathComponent("benchmark/references.yaml")
    let referenceTable = try BenchmarkReferences.load(from: referenceFile)
    print("benchmark \(agent): \(games.count) games × \(settings.seeds.count) seeds, \(totalSteps) steps each, \(jobs) at a time, into \(outURL.path)")
    if !reportOnly {
      try runner.run(report: { print($0) }, shouldStop: { cshims_interrupted() != 0 })
    }
    // The command that trains these runs (--report-only only rewrites its tables).
    let command = "dqn " + CommandLine.arguments.dropFirst().filter { $0 != "--report-only" }.joined(separator: " ")
    let summary = BenchmarkSummary.collect(
      runs: runner.runs, family: agent, steps: totalSteps, references: referenceTable, command: command)
    for folder in [outURL, resultsURL] {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      try summary.markdown.write(to: folder.appendingPathComponent("results.md"), atomically: true, encoding: .utf8)
      try summary.csv.write(to: folder.appendingPathComponent("results.csv"), atomically: true, encoding: .utf8)
      if summary.games.contains(where: { $0.seeds.contains { !$0.curve.isEmpty } }) {
        try BenchmarkPlot(summary: summary).write(to: folder.appendingPathComponent("curves.png"))
      } else {
        print("no curves.png in \(folder.path) yet: no finished run has evaluations")
      }
    }
    print(summary.markdown)
    print("wrote results.md, results.csv and curves.png in \(outURL.path) and \(resultsURL.path)")
    if cshims_interrupted() != 0 {
      print("interrupted; continue with the same command")
      throw ExitCode(130)
    }
    if !runner.failures.isEmpty {
      throw CommandError("\(runner.failures.count) run(s) failed: \(runner.failures.map(\.run.name).joined(separator: ", ")); see their train.log")
    }
  }

  /// The running `dqn` executable, which the runs are started with.
  static func executable() -> URL {
    if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
      return URL(fileURLWithPath: path)
    }
    return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
  }
}
