import ArgumentParser

/// `dqn supervised …`: train, evaluate and tune classifiers on labelled images.
struct SupervisedCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "supervised",
    abstract: "Train, evaluate and tune image classifiers (MNIST IDX or 8×8 digits CSV).",
    subcommands: [SupervisedTrainCommand.self, SupervisedEvalCommand.self, SupervisedSearchCommand.self]
  )
}
