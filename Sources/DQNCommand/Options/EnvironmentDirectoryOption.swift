import ArgumentParser
import Foundation
import GridGames

/// `--environments DIR`: where environment names are looked up.
struct EnvironmentDirectoryOption: ParsableArguments {
  @Option(name: .customLong("environments"),
          help: "Directory of NAME.yaml environment files (default: ./Environments, else the one above the dqn executable).")
  var directory: String?

  var url: URL {
    directory.map { URL(fileURLWithPath: $0) } ?? EnvironmentCatalog.defaultEnvironmentsDirectory()
  }

  /// The definition named `nameOrPath`: `NAME` in this directory, or a path to a `.yaml` file.
  func resolve(_ nameOrPath: String) throws -> EnvironmentDefinition {
    try EnvironmentDefinition.resolve(nameOrPath, searchDirectory: url)
  }
}
