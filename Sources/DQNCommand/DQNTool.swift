import ArgumentParser
import CShims

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
      EnvsCommand.self,
      TraceCommand.self,
      SupervisedCommand.self,
      BenchCommand.self,
    ]
  )

  static func main() {
    cshims_line_buffer_stdout()
    DQNTool.main(nil)
  }
}
