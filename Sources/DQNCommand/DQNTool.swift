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
    ]
  )

  /// Parses the command line and runs the command, with OpenBLAS on one thread (the fastest for
  /// these small matrices on two cores, and bit-exact from run to run) unless the command keeps
  /// OpenBLAS's own setting. This is the only place a command sets it.
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

  /// Sets OpenBLAS to one thread unless `command` is `KeepsOpenBLASThreadCount`.
  static func setBLASThreads(for command: ParsableCommand) {
    if !(command is KeepsOpenBLASThreadCount) { BLAS.setThreadCount(1) }
  }
}
