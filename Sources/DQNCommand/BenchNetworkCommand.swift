import ArgumentParser
import Foundation
import NeuralNetwork

/// `dqn bench nn`: DQN updates, batch-1 actions and a supervised step, timed.
struct BenchNetworkCommand: ParsableCommand, ChoosesThreadCount {
  static let configuration = CommandConfiguration(
    commandName: "nn",
    abstract: "Time DQN updates, batch-1 actions and a supervised step (median of repeated runs after warm-up).",
    discussion: """
      Each figure gives its matrix-product GFLOP/s and their fraction of the peak: the threads times \
      the single-core peak, measured at start-up on one thread as the faster of independent fused \
      multiply-adds held in registers on the widest vectors the processor has, and a few \
      1024×1024×1024 matrix products (OpenBLAS's or CKernels' own); about half a second, skipped \
      with --peak. Compare with the single-thread PyTorch reference through \
      scripts/bench-vs-torch. --without turns fast paths off to measure what each gains: \
      \(FastPaths.named.map(\.name).joined(separator: ", ")) (or all).
      """)

  @OptionGroup var output: JSONOutputOption

  @Option(help: "Multiply the number of timed runs.")
  var scale: Double = 1

  @Option(help: "Only these figures, comma-separated (\(NetworkBenchmarks.figureNames.joined(separator: ", "))).")
  var only: String?

  @OptionGroup var fastPaths: FastPathsOption

  @Option(help: "Single-core peak in GFLOP/s to divide by instead of measuring it.")
  var peak: Double?

  @OptionGroup var threadCount: ThreadCountOption

  func validate() throws {
    guard scale > 0 else { throw ValidationError("--scale must be positive") }
    if let unknown = selectedFigures?.subtracting(NetworkBenchmarks.figureNames).sorted().first {
      throw ValidationError("--only: no figure named '\(unknown)' (figures: \(NetworkBenchmarks.figureNames.joined(separator: ", ")))")
    }
    if let peak, !(peak > 0) { throw ValidationError("--peak must be positive, got \(peak)") }
  }

  /// The names `--only` lists, or nil for every figure.
  private var selectedFigures: Set<String>? {
    only.map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }
  }

  func run() throws {
    try fastPaths.apply()
    let peakMeasurement = peak == nil ? PeakThroughput.measure() : nil
    let singleCorePeak = peak ?? peakMeasurement!.gigaflops
    let threads = threadCount.count
    if !output.json {
      print("OpenBLAS \(BLAS.configuration), CKernels \(InstructionLevel.detected), \(threads) thread(s)")
      print(String(format: "fast paths: %@; single-core peak %.1f GFLOP/s%@", FastPaths.standard.description,
                   singleCorePeak, " (\(peakMeasurement?.source ?? "--peak"))"))
    }
    _ = NetworkBenchmarks.all(scale: scale, only: selectedFigures) { measured in
      var figure = measured
      figure.peakGigaflops = singleCorePeak * Double(threads)
      print(output.json ? figure.json : figure.line)
    }
  }
}
