import ArgumentParser
import Foundation
import GridGames

/// `dqn envs`: list the environment files, or show one resolved definition.
struct EnvsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "envs",
    abstract: "List the environments in Environments/ (or show one).",
    subcommands: [EnvsListCommand.self, EnvsShowCommand.self],
    defaultSubcommand: EnvsListCommand.self)
}

struct EnvsListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "List every environment: name, game, actions, observation shape, description.")

  @OptionGroup var environments: EnvironmentDirectoryOption

  func run() throws {
    let definitions = try EnvironmentCatalog.definitions(in: environments.url)
    if definitions.isEmpty {
      throw CommandError("no environment files (*.yaml) in \(environments.url.path)")
    }
    let rows = definitions.map { definition -> [String] in
      let shape = definition.frameShape
      return [
        definition.name, definition.game.name, "\(definition.actionNames.count)",
        "\(definition.observation.frameStack)×\(shape.height)×\(shape.width)×\(shape.channels)",
        definition.description,
      ]
    }
    let header = ["NAME", "GAME", "ACTIONS", "OBSERVATION", "DESCRIPTION"]
    let widths = (0..<4).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    for row in [header] + rows {
      let padded = (0..<4).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
      print((padded + [row[4]]).joined(separator: "  "))
    }
  }
}

struct EnvsShowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show",
    abstract: "Print an environment's fully resolved definition as YAML.")

  @Argument(help: "An environment name (Environments/NAME.yaml) or a path to a .yaml file.")
  var name: String

  @OptionGroup var environments: EnvironmentDirectoryOption

  func run() throws {
    let definition = try environments.resolve(name)
    print(try definition.yaml(), terminator: "")
  }
}
