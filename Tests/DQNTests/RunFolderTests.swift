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
    #expect(!(try String(contentsOf: folder.agentFile, encoding: .utf8)).contains("splitUpdates"))
    // Split updates (`--threads 2`) are recorded, and only then.
    var split = description
    split.splitUpdates = true
    try folder.writeDescription(split)
    #expect(try String(contentsOf: folder.agentFile, encoding: .utf8).contains("\nsplitUpdates: true\n"))
    #expect(try folder.readDescription() == split)
    // Anything but a boolean is a corrupt run, named by its key.
    let text = try String(contentsOf: folder.agentFile, encoding: .utf8)
    try text.replacingOccurrences(of: "splitUpdates: true", with: "splitUpdates: 2").write(to: folder.agentFile, atomically: true, encoding: .utf8)
    do {
      _ = try folder.readDescription()
      Issue.record("read splitUpdates: 2")
    } catch {
      #expect(error.description.contains("splitUpdates"))
    }
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
