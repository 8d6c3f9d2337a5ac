import ArgumentParser
import NeuralNetwork

/// `dqn bench nn`: DQN updates, batch-1 actions and a supervised step, timed.
///
/// It keeps OpenBLAS's own thread count (`OPENBLAS_NUM_THREADS`), so the figures can be taken
/// with one thread or several.
struct BenchNetworkCommand: ParsableCommand, KeepsOpenBLASThreadCount {
  static let configuration = CommandConfiguration(
    commandName: "nn",
    abstract: "Time DQN updates, batch-1 actions and a supervised step (median of repeated runs after warm-up).",
    discussion: "Run with OPENBLAS_NUM_THREADS=1 to compare with the single-thread PyTorch reference.")

  @OptionGroup var output: JSONOutputOption

  @Option(help: "Multiply the number of timed runs (default 1).")
  var scale: Double = 1

  func validate() throws {
    guard scale > 0 else { throw ValidationError("--scale must be positive") }
  }

  func run() throws {
    if !output.json { print("OpenBLAS \(BLAS.configuration), \(BLAS.threadCount) thread(s)") }
    _ = NetworkBenchmarks.all(scale: scale) { figure in
      print(output.json ? figure.json : figure.line)
    }
  }
}
