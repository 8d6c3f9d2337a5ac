import ArgumentParser
import Foundation
import NeuralNetwork

/// `dqn bench …`: performance figures (benchmarks, not tests).
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Print performance figures: network updates, environments, the training loop.",
    subcommands: [BenchNetworkCommand.self, BenchEnvCommand.self, BenchTrainCommand.self]
  )
}

struct BenchNetworkCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "nn",
    abstract: "Time DQN updates, batch-1 actions and a supervised step (median of repeated runs after warm-up).",
    discussion: "Run with OPENBLAS_NUM_THREADS=1 to compare with the single-thread PyTorch reference.")

  @Flag(help: "Print one JSON object per figure.")
  var json = false

  @Option(help: "Multiply the number of timed runs (default 1).")
  var scale: Double = 1

  func validate() throws {
    guard scale > 0 else { throw ValidationError("--scale must be positive") }
  }

  func run() throws {
    if !json { print("OpenBLAS \(BLAS.configuration), \(BLAS.threadCount) thread(s)") }
    _ = NetworkBenchmarks.all(scale: scale) { figure in
      print(json ? figure.json : figure.line)
    }
  }
}
