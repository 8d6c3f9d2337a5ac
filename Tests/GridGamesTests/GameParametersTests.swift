import Foundation
import Testing
@testable import GridGames

/// Each game's own keys: defaults, reading, writing back, and errors.
@Suite struct GameParametersTests {
  @Test func aFileNamingOnlyTheGameGetsTheDefaults() throws {
    for game in GameRegistry.builtIn {
      let parsed = try EnvironmentDefinition.parse(yaml: "game: \(game.name)\n", file: "\(game.name).yaml")
      #expect(parsed == EnvironmentDefinition.defaults(for: game), "\(game.name)")
    }
  }

  @Test(arguments: [
    "game: catch\nrows: 7\ncolumns: 3\n",
    "game: snake\nrows: 5\ncolumns: 6\nfoodReward: 2.5\ndeathReward: -3\n",
    "game: maze\nrows: 11\ncolumns: 7\nmazeSeed: 42\nstepCost: 0.5\n",
    "game: maze\nlayout: |\n  ######\n  #S LG#\n  ######\ngoalReward: 3\n",
    "game: asterix\ndifficultyRamping: false\n",
  ])
  func givenParametersAreReadAndWrittenBack(_ yaml: String) throws {
    let definition = try EnvironmentDefinition.parse(yaml: yaml, file: "given.yaml")
    #expect(definition != EnvironmentDefinition.defaults(for: definition.game, name: "given"))
    let again = try EnvironmentDefinition.parse(yaml: try definition.yaml(), file: "again.yaml")
    #expect(again == definition)
  }

  @Test func parametersReachTheGame() throws {
    let catchGame = try EnvironmentDefinition.parse(yaml: "game: catch\nrows: 7\ncolumns: 3\n", file: "c.yaml")
    #expect(catchGame.parameters as? Catch.Parameters == { var p = Catch.Parameters(); p.rows = 7; p.columns = 3; return p }())
    #expect(catchGame.frameShape == FrameShape(height: 7, width: 3, channels: 1))
    #expect((catchGame.makeGame().height, catchGame.makeGame().width) == (7, 3))

    let layout = "game: maze\nlayout: |\n  ######\n  #S.LG#\n  ######\nlavaReward: -5\n"
    var lava = try EnvironmentDefinition.parse(yaml: layout, file: "l.yaml").makeEnvironment()
    _ = lava.reset(seed: 0)
    #expect(lava.step(1).reward == -0.01)
    let intoLava = lava.step(1)
    #expect(intoLava.reward == -5 && intoLava.terminated)

    // A seeded random maze is the same maze whatever the episode's seed; without one it is not.
    func firstFrames(_ yaml: String) throws -> Set<Frame> {
      var environment = try EnvironmentDefinition.parse(yaml: yaml, file: "m.yaml").makeEnvironment()
      return Set((0..<4).map { environment.reset(seed: $0) })
    }
    #expect(try firstFrames("game: maze\nrows: 9\ncolumns: 9\nmazeSeed: 5\n").count == 1)
    #expect(try firstFrames("game: maze\nrows: 9\ncolumns: 9\n").count > 1)
  }

  @Test func eachGameAllowsOnlyItsOwnKeys() {
    EnvironmentDefinitionTests.expectError("game: catch\nfoodReward: 1\n") {
      if case .unknownKey(_, "foodReward", let allowed) = $0 { return allowed == GameRegistry.commonKeys + ["rows", "columns"] }
      return false
    }
    EnvironmentDefinitionTests.expectError("game: snake\nrows: 2\n") {
      if case .invalidValue(_, "rows", "2", "3...100") = $0 { return true }; return false
    }
    EnvironmentDefinitionTests.expectError("game: maze\nlayout: |\n  ###\n  #SG\n  ###\nrows: 9\n") {
      if case .invalidValue(_, "rows", "given with a layout", _) = $0 { return true }; return false
    }
    EnvironmentDefinitionTests.expectError("game: maze\nrows: 9\n") {
      if case .missingKey(_, "columns") = $0 { return true }; return false
    }
    EnvironmentDefinitionTests.expectError("game: maze\nmazeSeed: 3\n") {
      if case .invalidValue(_, "mazeSeed", _, _) = $0 { return true }; return false
    }
    EnvironmentDefinitionTests.expectError("game: breakout\ndifficultyRamping: sometimes\n") {
      if case .wrongType(_, "difficultyRamping", "true or false", "'sometimes'") = $0 { return true }; return false
    }
  }

  @Test func coloursWrittenInCodeMatchTheirHexForm() {
    #expect(RGBColor(0x3c8cff) == RGBColor(hex: "#3c8cff"))
    #expect(RGBColor(0x3c8cff).hex == "#3c8cff")
  }
}
