import Foundation
import Testing

/// A checkpoint is one unit: a crash (`kill -9`, or the process ending at any file operation) or
/// a failed write at any moment leaves a run that `--resume` continues bit for bit, or refuses
/// clearly and can be started again with the same `--out`.
@Suite struct CheckpointFaultTests {
  /// A short Catch run with a checkpoint every 100 steps, an evaluation every 100 and events.
  static func arguments(_ run: String, steps: Int = 200) -> [String] {
    ["train", "--env", "catch", "--steps", "\(steps)", "--seed", "5", "--out", run, "--quiet", "--set", "learningStarts=60",
     "--set", "checkpointInterval=100", "--set", "evalInterval=100", "--set", "evalEpisodes=2"]
  }

  /// What must be identical to the uninterrupted run: the CSVs without wall time, the final
  /// weights, and the last checkpoint's files.
  static func fingerprint(_ run: String, steps: Int = 200) throws -> [String: Data] {
    var result: [String: Data] = [:]
    for csv in ["metrics.csv", "eval.csv"] {
      let text = try String(contentsOfFile: run + "/" + csv, encoding: .utf8)
      let rows = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",") }
      result[csv] = Data(rows.joined(separator: "\n").utf8)
    }
    result["weights"] = try Data(contentsOf: URL(fileURLWithPath: run + "/weights.safetensors"))
    let last = run + String(format: "/checkpoints/step-%012d/", steps)
    for file in ["optimizer.safetensors", "target.safetensors", "replay.bin"] {
      result[file] = try Data(contentsOf: URL(fileURLWithPath: last + file))
    }
    return result
  }

  /// Finishes a damaged run: `--resume`, or, when that refuses because there is no checkpoint yet,
  /// the same command again with the same `--out`. Returns how it went.
  static func finish(_ run: String) throws -> String {
    let resumed = try runDQN(["train", "--resume", run, "--steps", "200", "--quiet"])
    if resumed.status == 0 { return "resumed" }
    // The crash came after the last checkpoint: opening the run renewed the files beside it.
    if resumed.stderr.contains("already done 200 steps") { return "complete" }
    #expect(resumed.stderr.contains("no checkpoint") && resumed.stderr.contains("same --out"), "unclear refusal: \(resumed.stderr)")
    let left = (try? FileManager.default.contentsOfDirectory(atPath: run)) ?? []
    let restarted = try runDQN(arguments(run))
    #expect(restarted.status == 0, "\(restarted.stderr)")
    // What the stopped run left is cleared, and the command says so.
    #expect(left.isEmpty || restarted.stdout.contains("starting it again"), "\(left)")
    return "restarted"
  }

  @Test(arguments: ["exit", "fail"])
  func everyFileOperationOfARunCanFailOrCrash(mode: String) throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let reference = directory.appendingPathComponent("reference").path
    #expect(try runDQN(Self.arguments(reference)).status == 0)
    let expected = try Self.fingerprint(reference)
    var outcomes: [String: Int] = [:]
    var operation = 1
    while true {
      let run = directory.appendingPathComponent("\(mode)-\(operation)").path
      let faulty = try runDQN(Self.arguments(run), environment: ["DQN_FAULT_INJECTION": "\(mode):\(operation)"])
      if faulty.status == 0 { break }  // past the run's last file operation
      if mode == "exit" {
        #expect(faulty.status == 86, "operation \(operation): \(faulty.stderr)")
      } else {
        #expect(faulty.stderr.contains("injected fault"), "operation \(operation): the failed write is not named: \(faulty.stderr)")
      }
      outcomes[try Self.finish(run), default: 0] += 1
      #expect(try Self.fingerprint(run) == expected, "\(mode) at file operation \(operation)")
      // No temporary file or unfinished checkpoint is left behind.
      let leftovers = FileManager.default.enumerator(atPath: run)?.compactMap { $0 as? String }
        .filter { $0.contains(".tmp-") || $0.contains(".partial-") || $0.contains(".replaced-") } ?? []
      #expect(leftovers.isEmpty, "\(leftovers)")
      try? FileManager.default.removeItem(atPath: run)
      operation += 1
      if operation > 400 { Issue.record("the run never got past its file operations"); break }
    }
    #expect(operation > 25, "only \(operation - 1) file operations were tried")
    #expect(outcomes["resumed", default: 0] > 0 && outcomes["restarted", default: 0] > 0, "\(outcomes)")
  }

  @Test func killedAtRandomMomentsEveryRunResumesBitForBit() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let reference = directory.appendingPathComponent("reference").path
    #expect(try runDQN(Self.arguments(reference, steps: 1_000)).status == 0)
    let expected = try Self.fingerprint(reference, steps: 1_000)
    var generator = SystemRandomNumberGenerator()
    var killed = 0
    defer { #expect(killed >= 2, "only \(killed) of 4 runs were still running when killed") }
    for trial in 0..<4 {
      let run = directory.appendingPathComponent("killed-\(trial)").path
      let process = Process()
      process.executableURL = productsDirectory().appendingPathComponent("dqn")
      process.arguments = Self.arguments(run, steps: 1_000)
      process.currentDirectoryURL = repositoryRoot()
      process.environment = ProcessInfo.processInfo.environment.merging(["OPENBLAS_NUM_THREADS": "1", "SDL_VIDEODRIVER": "dummy"]) { $1 }
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      Thread.sleep(forTimeInterval: Double.random(in: 0.05...0.5, using: &generator))
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      if process.terminationReason == .uncaughtSignal { killed += 1 }
      let resumed = try runDQN(["train", "--resume", run, "--steps", "1000", "--quiet"])
      // A run that finished before the kill is complete as it is.
      if resumed.status != 0 && !resumed.stderr.contains("already done 1000 steps") {
        #expect(resumed.stderr.contains("same --out"), "unclear refusal: \(resumed.stderr)")
        #expect(try runDQN(Self.arguments(run, steps: 1_000)).status == 0)
      }
      #expect(try Self.fingerprint(run, steps: 1_000) == expected, "trial \(trial)")
    }
  }

  @Test func aDamagedNewestCheckpointFallsBackToThePreviousOne() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let reference = directory.appendingPathComponent("reference").path
    #expect(try runDQN(Self.arguments(reference, steps: 300)).status == 0)
    let run = directory.appendingPathComponent("damaged").path
    #expect(try runDQN(Self.arguments(run, steps: 300)).status == 0)
    let generations = try FileManager.default.contentsOfDirectory(atPath: run + "/checkpoints").sorted()
    #expect(generations == ["step-000000000200", "step-000000000300"], "the last two are kept")
    // Flip one byte of the newest replay buffer: its checksum no longer matches the manifest.
    let replay = URL(fileURLWithPath: run + "/checkpoints/step-000000000300/replay.bin")
    var bytes = try Data(contentsOf: replay)
    bytes[bytes.count / 2] ^= 0x40
    try bytes.write(to: replay)
    let resumed = try runDQN(["train", "--resume", run, "--steps", "400"])
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(resumed.stdout.contains("skipped the checkpoint step-000000000300") && resumed.stdout.contains("checksum"))
    #expect(try runDQN(["train", "--resume", reference, "--steps", "400", "--quiet"]).status == 0)
    #expect(try Self.fingerprint(run, steps: 400) == (try Self.fingerprint(reference, steps: 400)))
  }
}
