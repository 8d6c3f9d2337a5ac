import Foundation
import Testing

/// `dqn benchmark` end to end: 2 games × 2 seeds with tiny budgets, then the same command again
/// (everything skipped), a longer budget (every run resumed), and a fresh machine that has only
/// the committed results folder (everything counted as finished).
@Suite struct BenchmarkCommandTests {
  static let tiny = [
    "--envs", "breakout,freeway", "--agent", "dqn", "--seeds", "1,2", "--jobs", "2", "--eval-episodes", "3",
    "--progress-interval", "1", "--set", "learningStarts=100", "--set", "evalInterval=100", "--set", "evalEpisodes=2",
    "--set", "checkpointInterval=100", "--set", "bufferSize=1000",
  ]

  static func csvRows(_ url: URL) throws -> [[String]] {
    try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
  }

  @Test func runsResumesSkipsAndSummarises() throws {
    let directory = try temporaryDirectory("dqn-benchmark")
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out"), results = directory.appendingPathComponent("results")
    let paths = ["--out", out.path, "--results", results.path]
    let runs = ["breakout-seed1", "breakout-seed2", "freeway-seed1", "freeway-seed2"]

    // 1. Four runs of 200 steps, two at a time.
    let first = try runDQN(["benchmark", "--steps", "200"] + Self.tiny + paths)
    #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
    for run in runs {
      #expect(first.stdout.contains("\(run): started (dqn train --env"))
      #expect(first.stdout.contains("\(run): finished, final evaluation"))
      for file in ["eval.csv", "metrics.csv", "agent.yaml", "final-eval.csv"] {
        #expect(FileManager.default.fileExists(atPath: results.appendingPathComponent("\(run)/\(file)").path), "\(run)/\(file)")
      }
      #expect(try Self.csvRows(out.appendingPathComponent("\(run)/eval.csv")).last?.first == "200")
    }
    for folder in [out, results] {
      for file in ["results.md", "results.csv", "curves.png"] {
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(folder.path)/\(file)")
      }
    }
    // results.csv agrees with each run's final-eval.csv.
    let table = try Self.csvRows(results.appendingPathComponent("results.csv"))
    #expect(table.map(\.first) == ["game", "breakout", "freeway"])
    for row in table.dropFirst() {
      let finals = try [1, 2].map { seed in
        Double(try Self.csvRows(results.appendingPathComponent("\(row[0])-seed\(seed)/final-eval.csv"))[1][1])!
      }
      #expect(row[2] == "2" && row[3] == "2")
      #expect(row[7] == "200")
      let mean: Double = (finals[0] + finals[1]) / 2
      let reported: Double = Double(row[4]) ?? .nan
      #expect(abs(reported - mean) < 0.006, "\(row)")
      #expect(row[11] == (row[0] == "breakout" ? "10" : "50"))
    }
    let markdown = try String(contentsOf: results.appendingPathComponent("results.md"), encoding: .utf8)
    #expect(markdown.contains("4 of 4 runs finished") && markdown.contains("rendered pixels"))

    // 2. The same command: nothing is trained again.
    let again = try runDQN(["benchmark", "--steps", "200"] + Self.tiny + paths)
    #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
    #expect(!again.stdout.contains("started"))
    for run in runs { #expect(again.stdout.contains("\(run): finished (skipped)")) }

    // 3. A longer budget: every run resumes from its checkpoint.
    let longer = try runDQN(["benchmark", "--steps", "300"] + Self.tiny + paths)
    #expect(longer.status == 0, "\(longer.stdout)\n\(longer.stderr)")
    for run in runs {
      #expect(longer.stdout.contains("\(run): resuming at step 200"))
      #expect(longer.stdout.contains("\(run): started (dqn train --resume"))
      #expect(try Self.csvRows(out.appendingPathComponent("\(run)/eval.csv")).map(\.first) == ["step", "100", "200", "300"])
      #expect(try Self.csvRows(results.appendingPathComponent("\(run)/final-eval.csv"))[1][0] == "300")
    }

    // 4. Another machine: only the committed results folder. Every run counts as finished.
    try FileManager.default.removeItem(at: out)
    let fresh = try runDQN(["benchmark", "--steps", "300"] + Self.tiny + paths)
    #expect(fresh.status == 0, "\(fresh.stdout)\n\(fresh.stderr)")
    #expect(!fresh.stdout.contains("started"))
    #expect(try Self.csvRows(out.appendingPathComponent("results.csv")) == (try Self.csvRows(results.appendingPathComponent("results.csv"))))

    // 5. --report-only rewrites the tables; they name the command that trains the runs, without it.
    let report = try runDQN(["benchmark", "--steps", "300", "--report-only"] + Self.tiny + paths)
    #expect(report.status == 0, "\(report.stdout)\n\(report.stderr)")
    let reported = try String(contentsOf: results.appendingPathComponent("results.md"), encoding: .utf8)
    #expect(reported.contains("dqn benchmark --steps 300 ") && !reported.contains("--report-only"))
  }

  /// Ctrl-C while runs still wait their turn: the running child checkpoints, nothing new starts,
  /// and the command exits (130) promptly instead of waiting on runs it will never start.
  @Test func ctrlCWithRunsWaitingExits() throws {
    let directory = try temporaryDirectory("dqn-benchmark-interrupt")
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out")
    let result = try InterruptTests.interrupt(
      [
        "benchmark", "--envs", "breakout", "--agent", "dqn", "--seeds", "1,2", "--jobs", "1", "--steps", "100000000",
        "--set", "learningStarts=100", "--set", "checkpointInterval=100", "--set", "bufferSize=1000",
        "--out", out.path, "--results", directory.appendingPathComponent("results").path,
      ],
      after: 4)
    #expect(result.status == 130, "\(result.stdout)\n\(result.stderr)")
    #expect(result.seconds < 15, "\(result.seconds) s")
    #expect(result.stdout.contains("breakout-seed1: started"), "\(result.stdout)")
    #expect(!result.stdout.contains("breakout-seed2: started"), "\(result.stdout)")
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("breakout-seed1/checkpoints").path))
  }

  @Test func helpExplainsFamiliesResumingAndResults() throws {
    let help = try runDQN(["benchmark", "--help"])
    #expect(help.status == 0)
    for phrase in ["--envs", "--agent", "--seeds", "--steps", "--jobs", "--out", "rainbow-lite", "pqn", "resumes", "results.md", "curves.png", "ETA", "rendered pixels"] {
      #expect(help.stdout.contains(phrase), "\(phrase)")
    }
  }

  @Test func anUnknownFamilyIsNamed() throws {
    let result = try runDQN(["benchmark", "--agent", "rainbow", "--steps", "10", "--out", "/tmp/never"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("--agent rainbow: no such family (available: dqn, pqn, rainbow-lite)"))
  }
}
