import ArgumentParser
import Foundation
import GridGames

/// `dqn trace`: step an environment with given actions and print each step as JSON.
struct TraceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "trace",
    abstract: "Step an environment from a seed with given actions; print one JSON object per step.",
    discussion: """
      The first line (step 0) is the state after reset; then one line per step with the action, \
      reward, terminated, truncated and the symbolic state as [channel][y][x] of 0/1 (for MinAtar: \
      np.transpose(env.state(), (2, 0, 1)) of the reference after env.seed(S); env.reset()). \
      Stops at the end of the episode.
      """)

  @OptionGroup var environment: EnvironmentOption

  @Option(help: "Seed of the episode.")
  var seed: UInt64 = 0

  @Option(help: "Action indices separated by commas, e.g. 0,3,5.")
  var actions: String?

  @Option(help: "A file of action indices separated by commas, spaces or newlines.")
  var actionsFile: String?

  @Option(help: "Play N uniformly random actions (drawn from a generator seeded by --seed).")
  var random: Int?

  func validate() throws {
    let sources = [actions != nil, actionsFile != nil, random != nil].filter { $0 }.count
    guard sources == 1 else {
      throw ValidationError("give exactly one of --actions, --actions-file or --random")
    }
    if let random, random < 0 { throw ValidationError("--random must be >= 0, got \(random)") }
  }

  /// Parses action indices separated by commas, spaces or newlines.
  static func parseActions(_ text: String, source: String) throws -> [Int] {
    let tokens = text.split { $0 == "," || $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
    return try tokens.map { token in
      guard let action = Int(token) else {
        throw CommandError("\(source): '\(token)' is not an action index (expected integers separated by commas, spaces or newlines)")
      }
      return action
    }
  }

  func run() throws {
    var game = try environment.definition().makeEnvironment()
    let list: [Int]
    if let actions {
      list = try Self.parseActions(actions, source: "--actions")
    } else if let actionsFile {
      let text: String
      do {
        text = try String(contentsOfFile: actionsFile, encoding: .utf8)
      } catch {
        throw CommandError("\(actionsFile): cannot read the actions file: \((error as NSError).localizedDescription)")
      }
      list = try Self.parseActions(text, source: actionsFile)
    } else {
      var generator = RandomState(key: [UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32), 0x7ACE])
      let count = game.actionSpace.count
      list = (0..<(random ?? 0)).map { _ in generator.randomInteger(below: count) }
    }
    try game.trace(seed: seed, actions: list) { step in print(step.jsonLine) }
  }
}
