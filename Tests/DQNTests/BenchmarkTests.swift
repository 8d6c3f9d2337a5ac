import Foundation
import Testing
@testable import DQN

@Suite struct BenchmarkTests {
  static var references: URL { AgentPresetTests.agentsDirectory.appendingPathComponent("benchmark/references.yaml") }

  @Test func theShippedReferencesNameTheirSources() throws {
    let table = try BenchmarkReferences.load(from: Self.references)
    #expect(table.note.contains("rendered pixels") && table.note.contains("object channels"))
    let paper = try #require(table.references.first { $0.name == "paper DQN 5M" })
    #expect(paper.source.contains("Young") && paper.frames == 5_000_000)
    #expect(paper.scores == ["asterix": 17, "breakout": 10, "freeway": 50, "seaquest": 20, "space-invaders": 43])
    let pqn = try #require(table.targets(of: "pqn").first)
    #expect(pqn.scores == ["asterix": 44, "breakout": 38, "freeway": 59, "space-invaders": 108])
    #expect(table.targets(of: "rainbow-lite").map(\.name) == ["paper DQN 5M"])
  }

  @Test func aReferenceWithoutASourceIsRejectedNamingIt() {
    let yaml = "references:\n  - name: x\n    frames: 10\n    scores: {breakout: 1}\n"
    #expect(throws: BenchmarkError.references(file: "r.yaml", detail: "references[0] (x): key 'source' is missing: every reference names its source")) {
      try BenchmarkReferences.parse(yaml: yaml, file: "r.yaml")
    }
  }

  @Test func thinningKeepsTheHeaderEveryKthRowAndTheLast() {
    let csv = "step,return\n" + (1...10).map { "\($0),0" }.joined(separator: "\n") + "\n"
    #expect(BenchmarkRun.thinned(csv, keeping: 4) == "step,return\n1,0\n4,0\n7,0\n10,0\n")
    #expect(BenchmarkRun.thinned(csv, keeping: 10) == csv)
  }

  /// Two seeds of one game from files on disk: per-seed scores, mean and sample std, hours.
  @Test func summaryAddsUpSeedsFromTheirFiles() throws {
    let directory = try TrainerTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out"), results = directory.appendingPathComponent("results")
    let runs = [1, 2, 3].map { BenchmarkRun(game: "breakout", seed: $0, out: out, results: results) }
    for (run, score) in zip(runs.prefix(2), [4.0, 8.0]) {
      try FileManager.default.createDirectory(at: run.resultsFolder, withIntermediateDirectories: true)
      let final = BenchmarkRun.FinalEvaluation(step: 1000, mean: score, standardDeviation: 1, episodes: 100, weights: "weights.safetensors")
      try final.csv.write(to: run.resultsFolder.appendingPathComponent("final-eval.csv"), atomically: true, encoding: .utf8)
      try "step,mean_return,std_return,episodes,wall_time\n500,1,0,5,1800\n1000,\(score),0,5,3600\n"
        .write(to: run.resultsFolder.appendingPathComponent("eval.csv"), atomically: true, encoding: .utf8)
      #expect(run.status(steps: 1000) == .trained(evaluated: true))
      #expect(run.status(steps: 2000) == .new)
    }
    #expect(runs[2].status(steps: 1000) == .new)
    let table = try BenchmarkReferences.load(from: Self.references)
    let summary = BenchmarkSummary.collect(runs: runs, family: "dqn", steps: 1000, references: table, command: "dqn benchmark")
    let game = try #require(summary.games.first)
    #expect(game.seeds.map(\.seed) == [1, 2] && game.unfinished == [3])
    #expect(game.mean == 6)
    let spread: Double = game.standardDeviation ?? 0
    #expect(abs(spread - Double(8).squareRoot()) < 1e-12)
    #expect(game.seeds[0].curve.map(\.step) == [500, 1000])
    #expect(game.seeds[0].seconds == 3600)
    let lines = summary.csv.split(separator: "\n")
    #expect(lines[0] == "game,family,seeds_finished,seeds_planned,mean,std,per_seed,steps,frames,hours_per_run,steps_per_second,ref_paper_dqn_5m,ref_pqn_10m")
    #expect(lines[1] == "breakout,dqn,2,3,6,2.83,1:4;2:8,1000,1000,1.000,0,10,38")
    #expect(summary.markdown.contains("| breakout | 6 ± 2.83 | 1: 4, 2: 8, 3: not finished | 1000 | 1.00 | 0 | 10 | 38 |"))
    #expect(summary.markdown.contains("2 of 3 runs finished"))
  }

  /// One finished seed has a mean but no spread: the table says "one seed", not "± 0".
  @Test func oneSeedIsReportedWithoutASpread() throws {
    let directory = try TrainerTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let run = BenchmarkRun(game: "seaquest", seed: 1, out: directory.appendingPathComponent("out"), results: directory.appendingPathComponent("results"))
    try FileManager.default.createDirectory(at: run.resultsFolder, withIntermediateDirectories: true)
    let final = BenchmarkRun.FinalEvaluation(step: 1000, mean: 15.61, standardDeviation: 11.8, episodes: 100, weights: "weights.safetensors")
    try final.csv.write(to: run.resultsFolder.appendingPathComponent("final-eval.csv"), atomically: true, encoding: .utf8)
    let table = try BenchmarkReferences.load(from: Self.references)
    let summary = BenchmarkSummary.collect(runs: [run], family: "dqn", steps: 1000, references: table, command: "dqn benchmark")
    let game = try #require(summary.games.first)
    #expect(game.mean == 15.61 && game.standardDeviation == nil)
    #expect(summary.markdown.contains("| seaquest | 15.61 (one seed) | 1: 15.61 |"))
    #expect(!summary.markdown.contains("± 0"))
    #expect(summary.csv.split(separator: "\n")[1].hasPrefix("seaquest,dqn,1,1,15.61,,1:15.61,"))
  }

  @Test func progressLineReadsTheTailOfTheLogs() throws {
    let directory = try TrainerTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    var metrics = EpisodeRow.header + "\n"
    for episode in 1...300 {
      let episodeReturn: Double = episode % 2 == 0 ? 2 : 4
      let wall: Double = Double(episode) / 10
      metrics += "\(episode * 10),\(episode),\(episodeReturn),10,0.1,,,\(wall)\n"
    }
    try metrics.write(to: directory.appendingPathComponent("metrics.csv"), atomically: true, encoding: .utf8)
    try "step,mean_return,std_return,episodes,wall_time\n3000,5.5,1,5,30\n"
      .write(to: directory.appendingPathComponent("eval.csv"), atomically: true, encoding: .utf8)
    let progress = RunProgress(folder: directory)
    #expect(progress.step == 3000)
    #expect(progress.wallTime == 30)
    #expect(progress.recentReturn == 3)
    #expect(progress.lastEvaluation == 5.5)
    #expect(progress.line(name: "breakout-seed1", steps: 6000).hasSuffix("step 3000/6000 (50.0%)  return(100) 3.00  eval 5.50  100 steps/s  ETA 30s"))
    // An evaluation later than the last episode row moves the step on.
    try "step,mean_return,std_return,episodes,wall_time\n3000,5.5,1,5,30\n4000,6,1,5,50\n"
      .write(to: directory.appendingPathComponent("eval.csv"), atomically: true, encoding: .utf8)
    let later = RunProgress(folder: directory)
    #expect(later.step == 4000)
    #expect(later.wallTime == 50)
    #expect(later.lastEvaluation == 6)
  }
}
