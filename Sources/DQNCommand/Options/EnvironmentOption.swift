import ArgumentParser
import GridGames

/// `--env NAME` (required) and `--environments DIR`: the environment a command runs.
struct EnvironmentOption: ParsableArguments {
  @Option(help: "Environment: a name in Environments/ (catch, maze, snake, breakout, …) or a path to a .yaml file.")
  var env: String

  @OptionGroup var environments: EnvironmentDirectoryOption

  /// The resolved definition of `--env`.
  func definition() throws -> EnvironmentDefinition {
    try environments.resolve(env)
  }
}
