import ArgumentParser

/// `--threads N`: how many threads the matrix products use (`train`, `bench nn`, `bench train`).
struct ThreadCountOption: ParsableArguments {
  @Option(help: """
    Threads for the matrix products (default 1; 2 runs the MinAtar network no faster and the \
    Nature network's update about 1.7 times as fast when the second core is free; CKernels' \
    products give the same bits for any count, OpenBLAS's may not).
    """)
  var threads = 1

  func validate() throws {
    guard (1...64).contains(threads) else { throw ValidationError("--threads must be in 1...64, got \(threads)") }
  }
}

/// A command with `--threads`: `DQNTool` sets the thread count from it instead of to 1.
protocol ChoosesThreadCount {
  var threadCount: ThreadCountOption { get }
}
