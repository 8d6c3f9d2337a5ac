import Foundation
import Testing

/// Ctrl-C stops a run within a second whatever the preset, with a checkpoint that resumes.
@Suite struct InterruptTests {
  /// Starts `dqn` with `arguments`, sends SIGINT after `delay` seconds, and returns the exit
  /// status, the seconds from the signal to the exit, and the output.
  static func interrupt(
    _ arguments: [String], after delay: Double
  ) throws -> (status: Int32, seconds: Double, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = productsDirectory().appendingPathComponent("dqn")
    process.arguments = arguments
    process.currentDirectoryURL = repositoryRoot()
    var variables = ProcessInfo.processInfo.environment
    variables["OPENBLAS_NUM_THREADS"] = "1"
    variables["SDL_VIDEODRIVER"] = "dummy"
    process.environment = variables
    let scratch = try temporaryDirectory("dqn-interrupt")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outputURL = scratch.appendingPathComponent("stdout")
    let errorURL = scratch.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: outputURL)
    process.standardError = try FileHandle(forWritingTo: errorURL)
    try process.run()
    Thread.sleep(forTimeInterval: delay)
    // For a failure message: how the process handles signals (SigBlk, SigIgn, SigCgt masks).
    let signalMasks = ((try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? "")
      .split(separator: "\n").filter { $0.hasPrefix("Sig") || $0.hasPrefix("State") }.joined(separator: "; ")
    let signalled = ContinuousClock.now
    kill(process.processIdentifier, SIGINT)
    // Never hang the suite: after 30 s the run is killed and the test fails on the time.
    let deadline = Date().addingTimeInterval(30)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    let elapsed = ContinuousClock.now - signalled
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return (
      process.terminationStatus, seconds,
      String(decoding: try Data(contentsOf: outputURL), as: UTF8.self),
      String(decoding: try Data(contentsOf: errorURL), as: UTF8.self) + (process.terminationStatus == 0 ? "" : " [\(signalMasks)]")
    )
  }

  @Test func ctrlCStopsARunWhoseSingleStepIsEnormousAndItResumes() throws {
    let run = try temporaryDirectory("dqn-interrupt-run").appendingPathComponent("run").path
    defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: run).deletingLastPathComponent().path) }
    // One environment step after learningStarts asks for 10⁹ updates (hours): only a stop check
    // inside the update loop can end it.
    let arguments = [
      "train", "--env", "catch", "--steps", "1000", "--seed", "2", "--out", run, "--quiet",
      "--set", "learningStarts=40", "--set", "gradientSteps=1000000000", "--set", "evalInterval=0",
    ]
    let first = try Self.interrupt(arguments, after: 3)
    #expect(first.status == 0, "\(first.stdout) \(first.stderr)")
    guard first.status == 0 else { return }
    #expect(first.seconds < 2, "Ctrl-C took \(first.seconds) s")
    #expect(first.stdout.contains("interrupted at step"), "\(first.stdout)")
    let generations = try FileManager.default.contentsOfDirectory(atPath: run + "/checkpoints").filter { $0.hasPrefix("step-") }
    #expect(generations.count == 1, "\(generations)")

    // The checkpoint resumes (and the resumed run, stuck in its updates too, stops on Ctrl-C).
    let second = try Self.interrupt(["train", "--resume", run, "--steps", "1000"], after: 3)
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.seconds < 2, "Ctrl-C took \(second.seconds) s")
    #expect(second.stdout.contains("resum") || second.stdout.contains("interrupted at step"), "\(second.stdout)")
    #expect(second.stdout.contains("interrupted at step"), "\(second.stdout)")
  }

  @Test func ctrlCStopsALongEvaluation() throws {
    let run = try temporaryDirectory("dqn-interrupt-eval").appendingPathComponent("run").path
    defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: run).deletingLastPathComponent().path) }
    let arguments = [
      "train", "--env", "catch", "--steps", "1000", "--seed", "2", "--out", run, "--quiet",
      "--set", "learningStarts=40", "--set", "evalInterval=50", "--set", "evalEpisodes=1000000",
    ]
    let result = try Self.interrupt(arguments, after: 3)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.seconds < 2, "Ctrl-C took \(result.seconds) s")
    #expect(result.stdout.contains("interrupted at step 50"), "\(result.stdout)")
    // The cut evaluation left no row.
    let eval = try String(contentsOfFile: run + "/eval.csv", encoding: .utf8)
    #expect(eval.split(separator: "\n").count == 1, "\(eval)")
  }

  /// The same for PQN, whose evaluation used to run to its end whatever the signal: an endless
  /// evaluation (a policy whose episodes never end would be one) stops within a second, owes the
  /// evaluation in its checkpoint, and a resume makes it first.
  @Test func ctrlCStopsALongPQNEvaluationAndTheResumeOwesIt() throws {
    let run = try temporaryDirectory("dqn-interrupt-pqn-eval").appendingPathComponent("run").path
    defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: run).deletingLastPathComponent().path) }
    let arguments = [
      "train", "--env", "catch", "--agent", "pqn", "--steps", "4096", "--seed", "2", "--out", run, "--quiet",
      "--set", "evalInterval=512", "--set", "evalEpisodes=1000000",
    ]
    let result = try Self.interrupt(arguments, after: 3)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.seconds < 2, "Ctrl-C took \(result.seconds) s")
    #expect(result.stdout.contains("interrupted at step 512"), "\(result.stdout)")
    let eval = try String(contentsOfFile: run + "/eval.csv", encoding: .utf8)
    #expect(eval.split(separator: "\n").count == 1, "\(eval)")
    let checkpoints = try FileManager.default.contentsOfDirectory(atPath: run + "/checkpoints").filter { $0.hasPrefix("step-") }.sorted()
    let state = try String(contentsOfFile: run + "/checkpoints/\(try #require(checkpoints.last))/state.json", encoding: .utf8)
    #expect(state.contains("\"evaluationPending\":true") || state.contains("\"evaluationPending\" : true"), "\(state)")
    // Resumed, it goes straight back into the owed evaluation (no new rollout first).
    let again = try Self.interrupt(["train", "--resume", run, "--steps", "4096", "--quiet"], after: 3)
    #expect(again.status == 0, "\(again.stderr)")
    #expect(again.stdout.contains("interrupted at step 512"), "\(again.stdout)")
  }
}
