import Foundation
import Testing
@testable import GridGames

@Suite struct EnvironmentDefinitionTests {
  let directory = repositoryEnvironmentsDirectory()

  @Test func everyShippedFileDecodesAndRoundTrips() throws {
    let definitions = try EnvironmentCatalog.definitions(in: directory)
    #expect(definitions.count >= 10)
    for definition in definitions {
      let again = try EnvironmentDefinition.parse(yaml: try definition.yaml(), file: "roundtrip.yaml")
      #expect(again == definition, "\(definition.name)")
    }
    let games = Set(definitions.map { $0.game.name })
    #expect(games == Set(GameRegistry.builtIn.map { $0.name }))
    #expect(definitions.filter { $0.game.name == Maze.name }.count >= 2)
  }

  @Test func minAtarDefaultsMatchTheReference() throws {
    for name in ["breakout", "freeway", "asterix", "seaquest", "space-invaders"] {
      let definition = try EnvironmentDefinition.resolve(name, searchDirectory: directory)
      #expect(definition.stickyActionProbability == 0.1)
      #expect(definition.parameters as? MinAtarParameters == MinAtarParameters(difficultyRamping: true))
      #expect(definition.observation.frameSkip == 1)
      // MinAtar has no time limit; Seaquest gets one because it never ends on the surface.
      #expect(definition.observation.maxEpisodeSteps == (name == "seaquest" ? 10_000 : nil))
      #expect(definition.observation.frameStack == 4)
      #expect(definition.frameShape == FrameShape(height: 10, width: 10, channels: 1))
    }
    let catchDefinition = try EnvironmentDefinition.resolve("catch", searchDirectory: directory)
    #expect(catchDefinition.frameShape == FrameShape(height: 10, width: 5, channels: 1))
    #expect(catchDefinition.observation.frameStack == 1)
  }

  @Test func gameAloneTakesDefaults() throws {
    let definition = try EnvironmentDefinition.parse(yaml: "game: seaquest\n", file: "/tmp/mine.yaml")
    #expect(definition.name == "mine")
    #expect(definition.palette.count == 11)
    #expect(definition == {
      var expected = EnvironmentDefinition.defaults(for: Seaquest.self)
      expected.name = "mine"
      return expected
    }())
  }

  @Test func pathsResolve() throws {
    let path = directory.appendingPathComponent("maze-lava.yaml").path
    let definition = try EnvironmentDefinition.resolve(path, searchDirectory: URL(fileURLWithPath: "/nonexistent"))
    #expect(definition.name == "maze-lava")
    // A bare game name with no file takes the game's defaults.
    let snake = try EnvironmentDefinition.resolve("snake", searchDirectory: URL(fileURLWithPath: "/nonexistent"))
    #expect(snake.game.name == Snake.name)
  }

  @Test func paletteGrayLevelsAreDistinct() {
    for game in GameRegistry.builtIn {
      let palette = game.palette
      let levels = ([palette.background] + palette.channels).map(\.luminance)
      #expect(Set(levels).count == levels.count, "\(game): \(levels)")
    }
  }

  static func expectError(_ yaml: String, file: String = "bad.yaml", _ check: (EnvironmentError) -> Bool) {
    do {
      _ = try EnvironmentDefinition.parse(yaml: yaml, file: file)
      Issue.record("expected an error for \(yaml)")
    } catch {
      #expect(check(error), "\(error)")
      #expect(error.description.contains(file), "\(error)")
    }
  }

  @Test func badInputGivesClearErrors() throws {
    Self.expectError("game: pong\n") {
      if case .unknownGame(_, "pong", let allowed) = $0 { return allowed.contains("breakout") }
      return false
    }
    Self.expectError("game: [breakout\n") { if case .malformedYAML = $0 { return true }; return false }
    Self.expectError("- a\n- b\n") { if case .malformedYAML = $0 { return true }; return false }
    Self.expectError("game: breakout\nspeed: 3\n") {
      if case .unknownKey(_, "speed", let allowed) = $0 { return allowed.contains("difficultyRamping") }
      return false
    }
    Self.expectError("game: catch\nobservation:\n  stack: 4\n") {
      if case .unknownKey(_, "observation.stack", _) = $0 { return true }; return false
    }
    Self.expectError("game: catch\ncellPixels: -2\n") {
      if case .invalidValue(_, "cellPixels", "-2", "1...64") = $0 { return true }; return false
    }
    Self.expectError("game: breakout\nstickyActionProbability: 1.5\n") {
      if case .invalidValue(_, "stickyActionProbability", _, "0...1") = $0 { return true }; return false
    }
    Self.expectError("game: catch\nobservation:\n  colorMode: sepia\n") {
      if case .invalidValue(_, "observation.colorMode", _, _) = $0 { return true }; return false
    }
    Self.expectError("game: maze\nlayout: |\n  #####\n  #..G#\n  #####\n") {
      if case .invalidLayout(_, .noStart) = $0 { return true }; return false
    }
    Self.expectError("game: maze\nlayout: |\n  #####\n  #S..#\n  #####\n") {
      if case .invalidLayout(_, .noGoal) = $0 { return true }; return false
    }
    Self.expectError("game: maze\nlayout: |\n  #####\n  #S.G#\n  ####\n") {
      if case .invalidLayout(_, .ragged(3, 4, 5)) = $0 { return true }; return false
    }
    Self.expectError("game: maze\nrows: 8\ncolumns: 9\n") {
      if case .invalidValue(_, "rows", "8", _) = $0 { return true }; return false
    }
    Self.expectError("game: catch\nrows: ten\n") {
      $0.description.hasSuffix("rows must be an integer, got 'ten'")
    }
    Self.expectError("cellPixels: 2\n") { if case .missingKey(_, "game") = $0 { return true }; return false }
    Self.expectError("game: snake\npalette:\n  head: red\n") {
      if case .invalidValue(_, "palette.head", _, _) = $0 { return true }; return false
    }
    Self.expectError("game: snake\npalette:\n  tail: \"#ffffff\"\n") {
      if case .unknownKey(_, "palette.tail", _) = $0 { return true }; return false
    }
  }

  @Test func missingEnvironmentListsWhatExists() {
    do {
      _ = try EnvironmentDefinition.resolve("nope", searchDirectory: directory)
      Issue.record("expected notFound")
    } catch {
      guard case .notFound(let name, _, let available) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(name == "nope" && available.contains("breakout"))
      #expect(error.description.contains("nope.yaml"))
    }
    do {
      _ = try EnvironmentDefinition.resolve("/tmp/does-not-exist.yaml", searchDirectory: directory)
      Issue.record("expected unreadable")
    } catch {
      #expect(error.description.contains("/tmp/does-not-exist.yaml"))
    }
  }

  /// A key given without a value, or a file cut off after `layout: |`, is an error naming the
  /// key, never the game's default; a value of the wrong type says what it must be and what it is.
  @Test func emptyAndWronglyTypedValuesAreNamed() {
    for yaml in ["game: maze\nlayout: |\n", "game: maze\nlayout:\n", "game: maze\nlayout: |\n\n\n"] {
      Self.expectError(yaml) { error in
        if case .invalidValue(_, "layout", "empty", _) = error { return true }
        if case .invalidLayout = error { return true }
        return false
      }
    }
    Self.expectError("game: catch\ncellPixels:\n") {
      if case .invalidValue(_, "cellPixels", "empty", _) = $0 { return true }; return false
    }
    Self.expectError("game: catch\nobservation:\n  frameStack:\n") {
      if case .invalidValue(_, "frameStack", "empty", _) = $0 { return true }; return false
    }
    Self.expectError("game: maze\nrows: 9.5\ncolumns: 9\n") {
      $0.description.hasSuffix("rows must be an integer, got '9.5'")
    }
    Self.expectError("game: catch\ncellPixels: [1, 2]\n") {
      $0.description.hasSuffix("cellPixels must be a single value, got a list")
    }
    Self.expectError("game: catch\nstickyActionProbability: often\n") {
      $0.description.hasSuffix("stickyActionProbability must be a number, got 'often'")
    }
  }
}
