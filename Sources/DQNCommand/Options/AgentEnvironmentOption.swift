import ArgumentParser
import GridGames

/// `--env NAME` (optional) and `--environments DIR`: where a trained agent plays, by default the
/// environment it was trained on.
struct AgentEnvironmentOption: ParsableArguments {
  @Option(help: "Environment: a name in Environments/ or a .yaml path (default: the one the agent was trained on).")
  var env: String?

  @OptionGroup var environments: EnvironmentDirectoryOption

  /// The resolved definition of `--env`, or `trainedOn` without it.
  func definition(trainedOn: EnvironmentDefinition) throws -> EnvironmentDefinition {
    try env.map(environments.resolve) ?? trainedOn
  }
}
