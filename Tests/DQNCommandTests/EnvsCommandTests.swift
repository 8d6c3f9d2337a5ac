import Foundation
import Testing
@testable import DQNCommand

@Suite struct EnvsCommandTests {
  @Test func parsesListAndShow() throws {
    let list = try EnvsCommand.parseAsRoot([])
    #expect(list is EnvsListCommand)
    let show = try EnvsCommand.parseAsRoot(["show", "breakout"])
    #expect((show as? EnvsShowCommand)?.name == "breakout")
  }

  @Test func listsEveryEnvironment() throws {
    let result = try runDQN(["envs"])
    #expect(result.status == 0, "\(result.stderr)")
    for name in ["breakout", "freeway", "asterix", "seaquest", "space-invaders", "catch", "maze", "maze-lava", "snake"] {
      #expect(result.stdout.contains(name))
    }
    #expect(result.stdout.contains("4×10×10×1"))
  }

  @Test func showPrintsTheResolvedDefinition() throws {
    let result = try runDQN(["envs", "show", "breakout"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("game: breakout"))
    #expect(result.stdout.contains("stickyActionProbability"))
    #expect(result.stdout.contains("frameStack: 4"))
  }

  @Test func missingEnvironmentFailsCleanly() throws {
    let result = try runDQN(["envs", "show", "no-such-env"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("no-such-env"))
    #expect(result.stderr.split(separator: "\n").count <= 2)
  }
}
