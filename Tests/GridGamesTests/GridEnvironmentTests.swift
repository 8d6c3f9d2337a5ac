import Foundation
import Testing
@testable import GridGames

@Suite struct GridEnvironmentTests {
  let directory = repositoryEnvironmentsDirectory()

  func frames(_ name: String, seed: UInt64, actions: [Int]) throws -> [Frame] {
    var environment = try EnvironmentDefinition.resolve(name, searchDirectory: directory).makeEnvironment()
    var result = [environment.reset(seed: seed)]
    for action in actions {
      let step = environment.step(action)
      result.append(step.frame)
      if step.isEpisodeOver { break }
    }
    return result
  }

  @Test(arguments: ["catch", "maze", "maze-lava", "maze-random", "snake", "breakout", "freeway", "asterix",
                    "seaquest", "space-invaders"])
  func sameSeedAndActionsGiveIdenticalFrames(_ name: String) throws {
    var random = RandomState(seed: 77)
    let actions = (0..<300).map { _ in random.randomInteger(below: 3) }
    let first = try frames(name, seed: 11, actions: actions)
    let second = try frames(name, seed: 11, actions: actions)
    #expect(first == second)
    let definition = try EnvironmentDefinition.resolve(name, searchDirectory: directory)
    #expect(first[0].shape == definition.frameShape)
  }

  @Test func framesShowTheStateInTheirPaletteGrays() throws {
    let definition = try EnvironmentDefinition.resolve("breakout", searchDirectory: directory)
    var environment = try definition.makeEnvironment()
    let frame = environment.reset(seed: 3)
    let state = environment.gridState
    let palette = definition.resolvedPalette
    // Bricks on rows 1...3, the paddle at (9, 4).
    #expect(frame[1, 0, 0] == palette.channels[3].luminance)
    #expect(frame[9, 4, 0] == palette.channels[0].luminance)
    #expect(frame[6, 6, 0] == palette.background.luminance || state[1, 6, 6] || state[2, 6, 6])
  }

  @Test(arguments: [1, 3, 5, 7])
  func rgbFramesArePitchSafeForOddWidths(_ cellPixels: Int) throws {
    // Catch is 5 columns wide: 5·cellPixels·3 bytes per row is never a multiple of 4 here.
    var definition = EnvironmentDefinition.defaults(for: Catch.self)
    definition.cellPixels = cellPixels
    definition.observation.colorMode = .rgb
    var environment = try definition.makeEnvironment()
    let frame = environment.reset(seed: 1)
    #expect(frame.shape == FrameShape(height: 10 * cellPixels, width: 5 * cellPixels, channels: 3))
    let state = environment.gridState
    let palette = definition.resolvedPalette
    for y in 0..<10 {
      for x in 0..<5 {
        let expected = state[1, y, x] ? palette.channels[1] : (state[0, y, x] ? palette.channels[0] : palette.background)
        for dy in 0..<cellPixels {
          for dx in 0..<cellPixels {
            let py = y * cellPixels + dy
            let px = x * cellPixels + dx
            #expect(frame[py, px, 0] == expected.red && frame[py, px, 1] == expected.green
                    && frame[py, px, 2] == expected.blue, "cell (\(y), \(x)) pixel (\(py), \(px))")
          }
        }
      }
    }
    let bigger = try environment.renderFrame(cellPixels: 7, colorMode: .rgb)
    #expect(bigger.shape == FrameShape(height: 70, width: 35, channels: 3))
  }

  @Test func resizeAveragesAreas() throws {
    var definition = EnvironmentDefinition.defaults(for: Breakout.self)
    definition.cellPixels = 2
    definition.observation.resize = ObservationSettings.Size(height: 10, width: 10)
    var resized = try definition.makeEnvironment()
    var plain = try EnvironmentDefinition.defaults(for: Breakout.self).makeEnvironment()
    #expect(resized.reset(seed: 4) == plain.reset(seed: 4))
    definition.observation.resize = ObservationSettings.Size(height: 5, width: 5)
    var half = try definition.makeEnvironment()
    let frame = half.reset(seed: 4)
    #expect(frame.shape == FrameShape(height: 5, width: 5, channels: 1))
    // Row 0 of the output covers grid rows 0 (empty) and 1 (bricks): the mean of the two grays.
    let brick = Int(definition.resolvedPalette.channels[3].luminance)
    #expect(abs(Int(frame[0, 0, 0]) - brick / 2) <= 1)
  }

  @Test func stepAfterTheEndIsAProgrammerError() async {
    await #expect(processExitsWith: .failure) {
      var environment = try EnvironmentDefinition.defaults(for: Catch.self).makeEnvironment()
      _ = environment.reset(seed: 0)
      for _ in 0..<10 { _ = environment.step(1) }
    }
  }

  @Test func statisticsAndTimeLimit() throws {
    var definition = EnvironmentDefinition.defaults(for: Maze.self)
    definition.observation.maxEpisodeSteps = 5
    var environment = try definition.makeEnvironment()
    _ = environment.reset(seed: 0)
    var step = environment.step(0)
    var count = 1
    while !step.isEpisodeOver {
      step = environment.step(0)
      count += 1
    }
    #expect(count == 5 && step.truncated && !step.terminated)
    let record = try #require(environment.lastEpisode)
    #expect(record.length == 5 && abs(record.totalReward + 0.05) < 1e-6 && !record.terminated)
  }

  @Test func frameSkipSumsRewardsAndMaxPools() throws {
    var definition = EnvironmentDefinition.defaults(for: Catch.self)
    definition.observation.frameSkip = 4
    var environment = try definition.makeEnvironment()
    _ = environment.reset(seed: 0)
    var steps = 0
    var step = environment.step(1)
    steps += 1
    while !step.isEpisodeOver {
      step = environment.step(1)
      steps += 1
    }
    #expect(steps == 3)  // 9 frames: 4 + 4 + 1
    #expect(abs(step.reward) == 1)
    let a = Frame(height: 1, width: 3, channels: 1, pixels: [1, 9, 3])
    let b = Frame(height: 1, width: 3, channels: 1, pixels: [4, 2, 3])
    #expect(FrameSkip<GridEnvironment>.maximum(a, b).pixels == [4, 9, 3])
  }

  @Test func environmentsDirectoryHelperFindsTheFolder() {
    // Tests run in the package root, whose Environments/ holds the shipped files.
    let url = EnvironmentCatalog.defaultEnvironmentsDirectory()
    #expect(EnvironmentCatalog.names(in: url).contains("breakout"))
  }
}
