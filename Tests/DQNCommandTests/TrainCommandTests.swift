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
