import DQN
import Foundation
import GridGames
import NeuralNetwork
import Testing
import Viewer

/// A game defined outside GridGames: walk along one row to the goal at one end (+1); the pit at
/// the other end costs −1. Which end is which is drawn each episode, so the walker must look.
struct WalkToGoal: GridGame {
  static let name = "walk-to-goal"
  static let summary = "walk along a row to the goal (+1), not into the pit (-1)"
  static let actionNames = ["left", "right"]
  static let channelNames = ["walker", "goal", "pit"]
  static let palette = Palette(
    background: RGBColor(0x000000), channels: [RGBColor(0xffffff), RGBColor(0x20d040), RGBColor(0xe03010)])

  /// `length`: the cells in the row (3…99, default 7).
  struct Parameters: GameParameters {
    var length = 7
    static let keys = ["length"]
    init() {}
    init(from decoder: any Decoder) throws {
      self.init()
      length = try ParameterReader(decoder).value("length", in: 3...99) ?? length
    }
    func encode(to encoder: any Encoder) throws {
      var file = ParameterWriter(encoder)
      try file.write("length", length)
    }
  }

  let height = 1
  let width: Int
  private var (position, goalIsRight) = (0, true)

  init(parameters: Parameters) { width = parameters.length }

  mutating func reset(using random: inout RandomState) {
    position = width / 2
    goalIsRight = random.randomInteger(below: 2) == 1
  }

  mutating func step(_ action: Int, using random: inout RandomState) -> (reward: Float, terminated: Bool) {
    position += action == 0 ? -1 : 1
    guard position == 0 || position == width - 1 else { return (0, false) }
    return ((position == width - 1) == goalIsRight ? 1 : -1, true)
  }

  func state() -> GridState {
    var state = GridState(channelNames: Self.channelNames, height: 1, width: width)
    state[0, 0, position] = true
    state[1, 0, goalIsRight ? width - 1 : 0] = true
    state[2, 0, goalIsRight ? 0 : width - 1] = true
    return state
  }

  func paint(_ cells: UnsafeMutableBufferPointer<UInt8>) {
    cells[goalIsRight ? width - 1 : 0] = 2
    cells[goalIsRight ? 0 : width - 1] = 3
    cells[position] = 1
  }
}

@Suite struct CustomGameTests {
  /// Register, describe in YAML, train, evaluate, record and replay: only public API.
  @Test func aGameDefinedOutsideGridGamesTrainsEvaluatesRecordsAndReplays() throws {
    BLAS.setThreadCount(1)
    try GameRegistry.register(WalkToGoal.self)
    let definition = try EnvironmentDefinition.parse(yaml: """
      game: walk-to-goal
      length: 7
      palette:
        goal: "#30e050"
      observation:
        maxEpisodeSteps: 20
      """, file: "Environments/walk.yaml")
    #expect(definition.frameShape == FrameShape(height: 1, width: 7, channels: 1))
    #expect(definition.resolvedPalette.channels == [RGBColor(0xffffff), RGBColor(0x30e050), RGBColor(0xe03010)])

    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("walk-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    var preset = AgentPreset()
    (preset.learningStarts, preset.epsilonDecaySteps, preset.evalInterval, preset.evalEpisodes) = (200, 1_500, 1_000, 20)
    let trainer = try Trainer(newRunAt: folder.appendingPathComponent("run"), preset: preset, environment: definition, seed: 1)
    #expect(try trainer.train(toStep: 3_000) == .finished)

    // A random walk from the middle reaches either end first equally often: about 0 on average.
    let agent = try TrainedAgent(folder: trainer.folder.url)
    func evaluate(epsilon: Float) throws -> Double {
      Evaluation.run(network: agent.network, environment: try definition.makeEnvironment(), stackDepth: 1,
                     episodes: 40, epsilon: epsilon, seed: 5).mean
    }
    let (trained, random) = (try evaluate(epsilon: 0), try evaluate(epsilon: 1))
    #expect(trained >= 0.9 && trained - random >= 0.6, "trained \(trained), random \(random)")

    let recording = try Recording.record(
      agent: agent, agentPath: trainer.folder.url.path, environment: definition, episodes: 3, seed: 9, epsilon: 0)
    let file = folder.appendingPathComponent("walk.replay")
    try recording.write(to: file)
    let loaded = try Recording.load(from: file)
    #expect(loaded == recording && recording.episodes.allSatisfy { $0.totalReward == 1 })
    #expect(try loaded.verify(file: file.path) == recording.episodes.map(\.totalReward))
  }
}
