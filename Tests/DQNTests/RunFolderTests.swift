import Foundation
import GridGames
import Testing
@testable import DQN

@Suite struct RunFolderTests {
  @Test func agentFileRoundTrips() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dqn-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    var preset = AgentPreset()
    preset.network = .minatar
    preset.dueling = true
    preset.learningRate = 2.5e-4
    let description = RunFolder.Description(
      preset: preset, environment: EnvironmentDefinition.defaults(for: Breakout.self), seed: 42, stepsDone: 7,
      episodesDone: 2, updatesDone: 3)
    let folder = RunFolder(directory)
    try folder.writeDescription(description)
    #expect(try folder.readDescription() == description)
  }

  @Test func aFolderWithoutAgentFileIsNotARun() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dqn-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    do {
      _ = try RunFolder(directory).readDescription()
      Issue.record("read a run from an empty folder")
    } catch {
      #expect(error.description.contains("agent.yaml") && error.description.contains(directory.path))
    }
  }
}
