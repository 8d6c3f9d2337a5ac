import ArgumentParser

/// `--threads N`: how many threads the matrix products use (`train`, `bench nn`, `bench train`).
struct ThreadCountOption: ParsableArguments {
  @Option(help: ArgumentHelp("""
    Threads (default 1, bit for bit the runs of earlier versions; `dqn train --resume` keeps the \
    run's own setting, recorded in agent.yaml). With 2 or more, `dqn train` and `dqn bench train` \
    split each DQN update's batch in two halves computed on two cores (about 1.35 times the env \
    steps/s of the MinAtar recipe on a 2-core AMD EPYC, no faster on a 2-vCPU Intel Xeon: see \
    README; the same bits for any count of 2 or more, not the bits of 1), and the large matrix \
    products split their columns (the Nature network's update 1.35 to 1.7 times as fast).
    """, valueName: "threads"))
  var threads: Int?

  /// The count to run with: `--threads`, or 1 when it is not given.
  var count: Int { threads ?? 1 }

  func validate() throws {
    if let threads, !(1...64).contains(threads) {
      throw ValidationError("--threads must be in 1...64, got \(threads)")
    }
  }
}

/// A command with `--threads`: `DQNTool` sets the thread count from it instead of to 1.
protocol ChoosesThreadCount {
  var threadCount: ThreadCountOption { get }
}
