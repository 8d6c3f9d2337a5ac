import Foundation
import Testing
@testable import GridGames

/// A one-cell-wide game for registry tests: the light blinks on every step; three steps end it.
struct BlinkGame: GridGame {
  static let name = "blink-registry-test"
  static let summary = "a light that blinks"
  static let actionNames = ["wait"]
  static let channelNames = ["light"]
  static let palette = Palette(background: RGBColor(0x000000), channels: [RGBColor(0xffff00)])
  let height = 1
  let width = 1
  private var steps = 0

  init(parameters: NoParameters) {}
  mutating func reset(using random: inout RandomState) { steps = 0 }
  mutating func step(_ action: Int, using random: inout RandomState) -> (reward: Float, terminated: Bool) {
    steps += 1
    return (1, steps == 3)
  }
  func state() -> GridState {
    var state = GridState(channelNames: Self.channelNames, height: 1, width: 1)
    state[0, 0, 0] = steps % 2 == 1
    return state
  }
  func paint(_ cells: UnsafeMutableBufferPointer<UInt8>) { cells[0] = steps % 2 == 1 ? 1 : 0 }
}

/// Another game that claims the name `catch`.
struct ImpostorGame: GridGame {
  static let name = "catch"
  static let summary = BlinkGame.summary
  static let actionNames = BlinkGame.actionNames
  static let channelNames = BlinkGame.channelNames
  static let palette = BlinkGame.palette
  var game = BlinkGame(parameters: NoParameters())
  var height: Int { 1 }
  var width: Int { 1 }
  init(parameters: NoParameters) {}
  mutating func reset(using random: inout RandomState) { game.reset(using: &random) }
  mutating func step(_ action: Int, using random: inout RandomState) -> (reward: Float, terminated: Bool) {
    game.step(action, using: &random)
  }
  func state() -> GridState { game.state() }
  func paint(_ cells: UnsafeMutableBufferPointer<UInt8>) { game.paint(cells) }
}

/// A game whose palette lacks a colour for its second channel.
struct ShortPaletteGame: GridGame {
  static let name = "short-palette-test"
  static let summary = BlinkGame.summary
  static let actionNames = BlinkGame.actionNames
  static let channelNames = ["light", "shade"]
  static let palette = BlinkGame.palette
  var game = BlinkGame(parameters: NoParameters())
  var height: Int { 1 }
  var width: Int { 1 }
  init(parameters: NoParameters) {}
  mutating func reset(using random: inout RandomState) {}
  mutating func step(_ action: Int, using random: inout RandomState) -> (reward: Float, terminated: Bool) { (0, true) }
  func state() -> GridState { GridState(channelNames: Self.channelNames, height: 1, width: 1) }
  func paint(_ cells: UnsafeMutableBufferPointer<UInt8>) {}
}

@Suite struct GameRegistryTests {
  @Test func builtInGamesPassTheRegistrationChecks() throws {
    for game in GameRegistry.builtIn { try GameRegistry.check(game) }
    #expect(GameRegistry.names.starts(with: GameRegistry.builtIn.map { $0.name }))
  }

  @Test func aRegisteredGameCanBeNamedInAFile() throws {
    try GameRegistry.register(BlinkGame.self)
    try GameRegistry.register(BlinkGame.self)  // again: nothing changes
    #expect(GameRegistry.names.filter { $0 == BlinkGame.name }.count == 1)
    let definition = try EnvironmentDefinition.parse(yaml: "game: \(BlinkGame.name)\ncellPixels: 2\n", file: "blink.yaml")
    #expect(definition.game.name == BlinkGame.name && definition.name == "blink")
    #expect(definition.frameShape == FrameShape(height: 2, width: 2, channels: 1))
    var environment = try definition.makeEnvironment()
    _ = environment.reset(seed: 0)
    let steps = (0..<3).map { _ in environment.step(0) }
    #expect(steps.map(\.reward) == [1, 1, 1] && steps.map(\.terminated) == [false, false, true])
    let lit = RGBColor(0xffff00).luminance
    #expect(steps.map { $0.frame[0, 0, 0] } == [lit, 0, lit])
    // The game's only keys are the common ones.
    EnvironmentDefinitionTests.expectError("game: \(BlinkGame.name)\nrows: 3\n") {
      if case .unknownKey(_, "rows", let allowed) = $0 { return allowed == GameRegistry.commonKeys }
      return false
    }
  }

  @Test func anotherGameCannotTakeABuiltInName() {
    #expect(throws: GameRegistrationError.nameTaken(name: "catch", by: "Catch")) {
      try GameRegistry.register(ImpostorGame.self)
    }
    #expect(GameRegistry.game(named: "catch").map(ObjectIdentifier.init) == ObjectIdentifier(Catch.self))
  }

  @Test func aPaletteMustColourEveryChannel() {
    #expect {
      try GameRegistry.register(ShortPaletteGame.self)
    } throws: { error in
      guard case GameRegistrationError.invalidDeclaration(_, let problem) = error else { return false }
      return problem.contains("1 channel colours for 2 channels")
    }
    #expect(GameRegistry.game(named: ShortPaletteGame.name) == nil)
  }
}
