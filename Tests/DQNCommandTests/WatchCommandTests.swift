import DQN
import Foundation
import GridGames
import NeuralNetwork
import Testing

/// Writes a run folder (agent.yaml + weights of an untrained network) for `environment`, as
/// `dqn train` would, so the viewer commands have an agent without a training run.
func makeViewerTestRun(environment name: String = "catch", in directory: URL) throws -> URL {
  let definition = EnvironmentDefinition.defaults(for: try #require(GameRegistry.game(named: name)))
  let folder = directory.appendingPathComponent("run-\(name)")
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  let preset = AgentPreset()
  try RunFolder(folder).writeDescription(RunFolder.Description(preset: preset, environment: definition, seed: 1))
  let shape = definition.frameShape
  let network = try QNetworkBuilder.make(
    preset.network, dueling: preset.dueling,
    inputShape: [definition.observation.frameStack * shape.channels, shape.height, shape.width],
    actionCount: definition.actionNames.count, seed: 1)
  try network.save(to: RunFolder(folder).weightsFile)
  return folder
}

/// Whether `url` starts with the PNG signature.
func isPNG(_ url: URL) -> Bool {
  guard let data = FileManager.default.contents(atPath: url.path) else { return false }
  return data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
}

@Suite struct WatchCommandTests {
  @Test func headlessWatchPrintsReturnsAndRecords() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let run = try makeViewerTestRun(in: directory)
    let replay = directory.appendingPathComponent("w.replay")
    let result = try runDQN(["watch", "--agent", run.path, "--episodes", "2", "--headless", "--record", replay.path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("episode 1: return"))
    #expect(result.stdout.contains("episode 2: return"))
    #expect(result.stdout.contains("recorded 2 episodes"))
    let verified = try runDQN(["replay", replay.path, "--headless"])
    #expect(verified.status == 0, "\(verified.stderr)")
    #expect(verified.stdout.contains("every frame matches"))
  }

  @Test func watchInAHeadlessWindowWithScriptedKeys() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let run = try makeViewerTestRun(in: directory)
    let shot = directory.appendingPathComponent("shot.png")
    let result = try runDQN([
      "watch", "--agent", run.path, "--episodes", "1", "--unpaced", "--max-frames", "6", "--keys", "2:space 4:right",
      "--screenshot", shot.path, "--software-renderer",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(isPNG(shot))
  }

  @Test func watchWithoutADisplayFailsClearly() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let run = try makeViewerTestRun(in: directory)
    let result = try runDQN(
      ["watch", "--agent", run.path, "--episodes", "1"],
      environment: ["SDL_VIDEODRIVER": "", "DISPLAY": "", "WAYLAND_DISPLAY": ""])
    #expect(result.status != 0)
    #expect(result.stderr.contains("no display available"))
    #expect(result.stderr.contains("--headless"))
  }

  @Test func watchRejectsAFolderThatIsNotARun() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try runDQN(["watch", "--agent", directory.path, "--headless"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("is not a training run"))
  }

  @Test func watchRejectsAnAgentThatDoesNotFitTheEnvironment() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let run = try makeViewerTestRun(in: directory)
    let result = try runDQN(["watch", "--agent", run.path, "--env", "breakout", "--headless"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("does not fit the environment 'breakout'"))
  }

  @Test func watchRejectsAnUnwritableRecording() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let run = try makeViewerTestRun(in: directory)
    let result = try runDQN(["watch", "--agent", run.path, "--headless", "--record", "/nonexistent/x.replay"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("cannot write /nonexistent/x.replay"))
  }
}
