import Foundation
import Testing
@testable import DQNCommand

@Suite struct EvalCommandTests {
  @Test func parsesOptions() throws {
    let command = try EvalCommand.parse(["--agent", "Agents/trained/catch", "--episodes", "10", "--epsilon", "0", "--seed", "3"])
    #expect(command.trained.agent == "Agents/trained/catch" && command.count.episodes == 10)
    #expect(command.trained.epsilon == 0 && command.trained.seed == 3 && command.trained.weights == nil)
    #expect(try EvalCommand.parse(["--agent", "x"]).count.episodes == 100)
    #expect(throws: (any Error).self) { try EvalCommand.parse(["--agent", "x", "--episodes", "0"]) }
    #expect(throws: (any Error).self) { try EvalCommand.parse(["--agent", "x", "--epsilon", "2"]) }
  }

  @Test
  func evaluatesTheShippedCatchAgent() throws {
    let result = try runDQN(["eval", "--agent", "Agents/trained/catch", "--episodes", "100"])
    #expect(result.status == 0, "\(result.stderr)")
    let last = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
    #expect(last.hasPrefix("mean_return: ") && last.hasSuffix("episodes: 100"), "\(result.stdout)")
    let mean = Double(last.split(separator: " ")[1]) ?? 0
    #expect(mean >= 0.9)
  }

  @Test
  func corruptedWeightsGiveOneClearMessage() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let source = repositoryRoot().appendingPathComponent("Agents/trained/catch")
    let copy = directory.appendingPathComponent("catch")
    try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: source.appendingPathComponent("agent.yaml"), to: copy.appendingPathComponent("agent.yaml"))
    let weights = try Data(contentsOf: source.appendingPathComponent("weights.safetensors"))
    try weights.prefix(100).write(to: copy.appendingPathComponent("weights.safetensors"))
    let result = try runDQN(["eval", "--agent", copy.path, "--weights", "latest"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("weights.safetensors"), "\(result.stderr)")
    let missing = try runDQN(["eval", "--agent", directory.path])
    #expect(missing.status != 0 && missing.stderr.contains("agent.yaml"), "\(missing.stderr)")
  }
}
