import ArgumentParser

/// `dqn bench …`: performance figures (benchmarks, not tests).
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Print performance figures: network updates, environments, the training loop, scaling.",
    subcommands: [BenchNetworkCommand.self, BenchEnvCommand.self, BenchTrainCommand.self, BenchScaleCommand.self]
  )
}
