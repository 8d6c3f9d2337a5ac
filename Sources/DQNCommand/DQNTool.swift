import ArgumentParser
import CShims
import NeuralNetwork

/// The `dqn` command: a thin layer that parses arguments and calls the libraries.
@main
struct DQNTool: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dqn",
    abstract: "Deep Q-learning from pixels, on a from-scratch deep-learning stack.",
    subcommands: [
      TrainCommand.self,
      EvalCommand.self,
      WatchCommand.self,
      PlayCommand.self,
      RecordCommand.self,
      ReplayCommand.self,
      PlotCommand.self,
      InspectCommand.self,
      EnvsCommand.self,
      TraceCommand.self,
      SupervisedCommand.self,
      BenchCommand.self,
      BenchmarkCommand.self,
    ]
  )

  /// Parses the command line and runs the command, with the matrix products on one thread (the
  /// fastest for these small matrices on two cores, and bit-exact from run to run) unless the
  /// command takes `--threads`. This is the only place a command sets it.
  static func main() {
    cshims_line_buffer_stdout()
    do {
      var command = try parseAsRoot()
      setBLASThreads(for: command)
      try command.run()
    } catch {
      exit(withError: error)
    }
  }

  /// Sets OpenBLAS and CKernels to one thread, or to `--threads` for a `ChoosesThreadCount` command.
  static func setBLASThreads(for command: ParsableCommand) {
    ComputeThreads.set((command as? ChoosesThreadCount)?.threadCount.count ?? 1)
  }
}
