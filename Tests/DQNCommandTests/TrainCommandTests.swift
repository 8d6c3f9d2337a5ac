import Foundation
import Testing
@testable import DQNCommand

@Suite struct TrainCommandTests {
  @Test func parsesANewRun() throws {
    let command = try TrainCommand.parse([
      "--env", "catch", "--steps", "3000", "--seed", "4", "--out", "/tmp/x", "--set", "learningRate=0.01", "--set", "nStep=3",
    ])
    #expect(command.env == "catch" && command.steps == 3_000 && command.seed == 4 && command.out == "/tmp/x")
    #expect(command.overrides == ["learningRate=0.01", "nStep=3"])
  }

  @Test func parsesAResume() throws {
    let command = try TrainCommand.parse(["--resume", "Agents/runs/catch-1", "--steps", "6000"])
    #expect(command.resume == "Agents/runs/catch-1" && command.steps == 6_000)
  }

  @Test func rejectsBadCombinations() {
    #expect(throws: (any Error).self) { try TrainCommand.parse([]) }
    #expect(throws: (any Error).self) { try TrainCommand.parse(["--resume", "x", "--env", "catch"]) }
    #expect(throws: (any Error).self) { try TrainCommand.parse(["--env", "catch", "--steps", "0"]) }
  }

  @Test
  func trainsCatchEndToEndAndResumes() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let run = directory.appendingPathComponent("catch").path
    let first = try runDQN(["train", "--env", "catch", "--steps", "1500", "--seed", "2", "--out", run, "--set", "evalInterval=500"])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("eval at step 500"))
    for file in ["agent.yaml", "weights.safetensors", "best.safetensors", "metrics.csv", "eval.csv"] {
      #expect(FileManager.default.fileExists(atPath: run + "/" + file), "missing \(file)")
    }
    for file in ["replay.bin", "state.json", "manifest.json", "optimizer.safetensors", "target.safetensors"] {
      #expect(FileManager.default.fileExists(atPath: run + "/checkpoints/step-000000001500/" + file), "missing \(file)")
    }
    let resumed = try runDQN(["train", "--resume", run, "--steps", "2000"])
    #expect(resumed.status == 0, "\(resumed.stderr)")
    let agentYAML = try String(contentsOfFile: run + "/agent.yaml", encoding: .utf8)
    #expect(agentYAML.contains("stepsDone: 2000"))
    let again = try runDQN(["train", "--resume", run, "--steps", "2000"])
    #expect(again.status != 0 && again.stderr.contains("already done 2000 steps"))
  }

  /// `--threads 2` splits each update's batch, which agent.yaml records: a resume without
  /// `--threads` keeps it (the bits of an uninterrupted run), one with `--threads` changes it and
  /// says so.
  @Test
  func aResumeKeepsTheRunsThreadSetting() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    func train(_ name: String, _ extra: [String]) throws -> String {
      let run = directory.appendingPathComponent(name).path
      let result = try runDQN(["train", "--env", "catch", "--seed", "4", "--out", run, "--set", "evalEpisodes=5"] + extra)
      #expect(result.status == 0, "\(result.stderr)")
      return run
    }
    let straight = try train("straight", ["--steps", "2000", "--threads", "2"])
    let announced = try runDQN(["train", "--env", "catch", "--steps", "1100", "--out", directory.appendingPathComponent("announced").path, "--threads", "2"])
    #expect(announced.stdout.contains("each update's batch split over two threads"), "\(announced.stdout)")
    let split = try train("split", ["--steps", "1500", "--threads", "2"])
    #expect(try String(contentsOfFile: split + "/agent.yaml", encoding: .utf8).contains("\nsplitUpdates: true\n"))
    let resumed = try runDQN(["train", "--resume", split, "--steps", "2000"])
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(resumed.stdout.contains("its updates split over two threads as it was started") && !resumed.stdout.contains("note:"))
    let weights = try Data(contentsOf: URL(fileURLWithPath: straight + "/weights.safetensors"))
    #expect(try Data(contentsOf: URL(fileURLWithPath: split + "/weights.safetensors")) == weights)

    let single = try train("single", ["--steps", "1500"])
    #expect(!(try String(contentsOfFile: single + "/agent.yaml", encoding: .utf8)).contains("splitUpdates"))
    let changed = try runDQN(["train", "--resume", single, "--steps", "2000", "--threads", "2"])
    #expect(changed.status == 0, "\(changed.stderr)")
    #expect(changed.stdout.contains("note: the run updated on one thread; --threads 2 splits its updates"))
    #expect(try String(contentsOfFile: single + "/agent.yaml", encoding: .utf8).contains("\nsplitUpdates: true\n"))
    #expect(try Data(contentsOf: URL(fileURLWithPath: single + "/weights.safetensors")) != weights)
  }

  @Test
  func badInputGivesOneClearMessage() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let badPreset = directory.appendingPathComponent("bad.yaml")
    try "learningRate: -1\n".write(to: badPreset, atomically: true, encoding: .utf8)
    let unknownKey = directory.appendingPathComponent("unknown.yaml")
    try "learningrate: 0.1\n".write(to: unknownKey, atomically: true, encoding: .utf8)
    let out = directory.appendingPathComponent("run").path
    let cases: [([String], [String])] = [
      (["train", "--env", "catch", "--agent", badPreset.path, "--out", out], ["bad.yaml", "learningRate", "-1"]),
      (["train", "--env", "catch", "--agent", unknownKey.path, "--out", out], ["unknown.yaml", "learningrate", "learningRate"]),
      (["train", "--env", "catch", "--set", "gamma=0.9", "--out", out], ["gamma", "discount"]),
      (["train", "--env", "catch", "--set", "batchSize=64", "--set", "bufferSize=32", "--out", out], ["batchSize", "64"]),
      (["train", "--env", "catch", "--set", "network=nature", "--out", out], ["nature", "10×5"]),
      (["train", "--resume", directory.path], [directory.path, "no checkpoint", "same --out"]),
    ]
    for (arguments, needles) in cases {
      let result = try runDQN(arguments)
      #expect(result.status != 0, "\(arguments) succeeded")
      for needle in needles { #expect(result.stderr.contains(needle), "\(arguments): \(result.stderr)") }
      #expect(result.stderr.split(separator: "\n").count <= 3, "\(result.stderr)")
    }
  }
}

/// `dqn train --agent pqn`: a PQN run folder that `dqn eval` reads, and `--resume` that continues it.
@Suite struct PQNTrainCommandTests {
  @Test func trainsEvaluatesAndResumesAPQNRun() throws {
    let directory = try temporaryDirectory("dqn-pqn")
    defer { try? FileManager.default.removeItem(at: directory) }
    let run = directory.appendingPathComponent("catch").path
    let train = try runDQN(["train", "--env", "catch", "--agent", "pqn", "--steps", "2048", "--out", run, "--set", "checkpointInterval=1024"])
    #expect(train.status == 0, "\(train.stderr)")
    #expect(train.stdout.contains("training pqn, 32 environments, minatar-layernorm on catch"))
    let eval = try runDQN(["eval", "--agent", run, "--episodes", "5"])
    #expect(eval.status == 0 && eval.stdout.contains("episodes: 5"), "\(eval.stderr)")
    let resume = try runDQN(["train", "--resume", run, "--steps", "3072"])
    #expect(resume.status == 0, "\(resume.stderr)")
    #expect(resume.stdout.contains("resuming \(run) at step 2048 of 3072") && resume.stdout.contains("finished 3072 steps"))
    let freeze = try runDQN(["train", "--env", "catch", "--agent", "pqn", "--out", run + "-2", "--freeze", "torso"])
    #expect(freeze.status != 0 && freeze.stderr.contains("are for DQN runs"))
  }
}
