import ArgumentParser
import Foundation
import NeuralNetwork
import Testing

@testable import DQNCommand

/// The option groups the commands share: the same flag parses, defaults and is checked the same way
/// in every command that has it.
@Suite struct SharedOptionsTests {
  @Test func trainedAgentOptionsAreTheSameInEvalWatchAndRecord() throws {
    let arguments = ["--agent", "runs/a", "--weights", "latest", "--epsilon", "0.5", "--seed", "7"]
    let groups = [
      try EvalCommand.parse(arguments).trained, try WatchCommand.parse(arguments).trained,
      try RecordCommand.parse(arguments + ["--episodes", "1", "--out", "r.replay"]).trained,
    ]
    for group in groups {
      #expect(group.agent == "runs/a" && group.weights == .latest && group.epsilon == 0.5 && group.seed == 7)
      #expect(!group.prefersBest)
    }
    #expect(try EvalCommand.parse(["--agent", "a"]).trained.prefersBest)
    for command in ["eval", "watch", "record"] {
      #expect(throws: (any Error).self, "\(command)") {
        try DQNTool.parseAsRoot([command, "--agent", "a", "--epsilon", "1.5", "--episodes", "1", "--out", "r"])
      }
      #expect(throws: (any Error).self, "\(command)") {
        try DQNTool.parseAsRoot([command, "--agent", "a", "--weights", "newest", "--episodes", "1", "--out", "r"])
      }
    }
  }

  @Test func episodeCountsHaveEachCommandsDefaultAndMustBePositive() throws {
    #expect(try EvalCommand.parse(["--agent", "a"]).count.episodes == 100)
    #expect(try WatchCommand.parse(["--agent", "a"]).count.episodes == 10)
    #expect(try WatchCommand.parse(["--agent", "a", "--episodes", "3"]).count.episodes == 3)
    #expect(throws: (any Error).self) { try EvalCommand.parse(["--agent", "a", "--episodes", "0"]) }
    #expect(throws: (any Error).self) { try WatchCommand.parse(["--agent", "a", "--episodes", "-2"]) }
  }

  @Test func displayScaleIsCheckedInPlayAndWatch() throws {
    #expect(try PlayCommand.parse(["--env", "catch", "--scale", "4"]).display.pixels(frameHeight: 10) == 4)
    #expect(try WatchCommand.parse(["--agent", "a"]).display.pixels(frameHeight: 10) == 48)
    #expect(throws: (any Error).self) { try PlayCommand.parse(["--env", "catch", "--scale", "0"]) }
    #expect(throws: (any Error).self) { try WatchCommand.parse(["--agent", "a", "--scale", "65"]) }
  }

  @Test func jsonIsOneFlagForEveryBenchmark() throws {
    #expect(try BenchNetworkCommand.parse(["--json"]).output.json)
    #expect(try BenchEnvCommand.parse(["--json"]).output.json)
    #expect(try BenchTrainCommand.parse(["--json"]).output.json)
    #expect(try !BenchTrainCommand.parse([]).output.json)
  }

  /// `--environments DIR` resolves `--env NAME` in DIR for every command that takes an environment.
  @Test func environmentsDirectoryIsHonouredEverywhere() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try "game: catch\nrows: 6\ncolumns: 5\n".write(
      to: directory.appendingPathComponent("short-catch.yaml"), atomically: true, encoding: .utf8)

    let traced = try runDQN(["trace", "--env", "short-catch", "--environments", directory.path, "--actions", "1"])
    #expect(traced.status == 0, "\(traced.stderr)")
    let first = traced.stdout.split(separator: "\n").first.map { Data($0.utf8) } ?? Data()
    let state = (try JSONSerialization.jsonObject(with: first) as? [String: Any])?["state"] as? [[[Int]]]
    #expect(state?.first?.count == 6)

    let unknown = try runDQN(["trace", "--env", "short-catch", "--actions", "1"])
    #expect(unknown.status != 0 && unknown.stderr.contains("short-catch"), "\(unknown.stderr)")

    // A catch agent does not fit 6 rows: watch and record resolved the file before refusing.
    let run = try makeViewerTestRun(in: directory)
    for arguments in [
      ["watch", "--headless", "--episodes", "1"],
      ["record", "--episodes", "1", "--out", directory.appendingPathComponent("r.replay").path],
    ] {
      let result = try runDQN(
        arguments + ["--agent", run.path, "--env", "short-catch", "--environments", directory.path])
      #expect(result.status != 0, "\(arguments[0])")
      #expect(result.stderr.contains("6×5"), "\(arguments[0]): \(result.stderr)")
    }

    for command in [["train"], ["play"], ["bench", "train"], ["bench", "env"]] {
      let parsed = try DQNTool.parseAsRoot(command + ["--env", "short-catch", "--environments", directory.path])
      #expect(parsed is TrainCommand || parsed is PlayCommand || parsed is BenchTrainCommand || parsed is BenchEnvCommand)
    }
  }

  /// The matrix products (OpenBLAS's and CKernels') run on one thread for every command, or on as
  /// many as `--threads` says for the commands that take it (OpenBLAS's on one where CKernels have
  /// AVX2 or AVX-512 and do the products worth splitting).
  @Test func threadCountIsSetOnceForEveryCommand() throws {
    defer { ComputeThreads.set(1) }
    for arguments in [["eval", "--agent", "a"], ["supervised", "train", "--data", "d"], ["bench", "train"], ["train", "--env", "catch"], ["bench", "nn"]] {
      ComputeThreads.set(2)
      BLAS.setThreadCount(2)
      DQNTool.setBLASThreads(for: try DQNTool.parseAsRoot(arguments))
      #expect(BLAS.threadCount == 1 && ComputeThreads.count == 1, "\(arguments)")
    }
    let blasThreads = InstructionLevel.detected >= .avx2 ? 1 : 2
    for arguments in [["bench", "nn", "--threads", "2"], ["bench", "train", "--threads", "2"], ["train", "--env", "catch", "--threads", "2"]] {
      ComputeThreads.set(1)
      DQNTool.setBLASThreads(for: try DQNTool.parseAsRoot(arguments))
      #expect(BLAS.threadCount == blasThreads && ComputeThreads.count == 2, "\(arguments)")
    }
    #expect(throws: (any Error).self) { try DQNTool.parseAsRoot(["bench", "nn", "--threads", "0"]) }
  }

}
