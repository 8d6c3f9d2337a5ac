import ArgumentParser
import DQN
import Foundation
import GridGames
import NeuralNetwork
import Viewer

/// `dqn record`: record a trained agent's episodes into a replay file, headless.
struct RecordCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "record",
    abstract: "Record a trained agent's episodes into a replay file (headless).",
    discussion: """
      The replay holds the environment definition, the seeds, and per episode the actions, the
      rewards and a hash of every frame; `dqn replay FILE` re-simulates it and checks every frame.
      """)

  @Option(help: "The run folder of a trained agent (holds agent.yaml and weights.safetensors).")
  var agent: String

  @Option(help: "Episodes to record.")
  var episodes: Int

  @Option(help: "The replay file to write (e.g. Replays/catch.replay).")
  var out: String

  @Option(help: "Seed of the episodes and the random actions (default 0).")
  var seed: UInt64 = 0

  @Option(help: "Probability of a random action (default: the preset's evalEpsilon, usually 0.01).")
  var epsilon: Float?

  @Option(help: "Environment: a name in Environments/ or a .yaml path (default: the one the agent was trained on).")
  var env: String?

  @Option(help: "Which weights: best (best.safetensors, the default when present) or latest (weights.safetensors).")
  var weights: WeightsPreference = .best

  func validate() throws {
    guard episodes > 0 else { throw ValidationError("--episodes must be positive, got \(episodes)") }
    if let epsilon, !(0...1).contains(epsilon) { throw ValidationError("--epsilon must be in 0...1, got \(epsilon)") }
  }

  func run() throws {
    BLAS.setThreadCount(1)
    let outURL = URL(fileURLWithPath: out)
    try checkWritable(outURL)
    let trained = try TrainedAgent(folder: URL(fileURLWithPath: agent), preferBest: weights == .best)
    let definition = try env.map(resolveEnvironment) ?? trained.environment
    let recording = try Recording.record(
      agent: trained, agentPath: agent, environment: definition, episodes: episodes, seed: seed,
      epsilon: epsilon ?? trained.description.preset.evalEpsilon, onEpisode: printEpisode)
    try recording.write(to: outURL)
    let mean = recording.episodes.map(\.totalReward).reduce(0, +) / Double(max(recording.episodes.count, 1))
    print(String(format: "mean return %.2f over %d episodes", mean, recording.episodes.count))
    print("recorded \(recording.episodes.count) episodes of \(definition.name) to \(outURL.path)")
  }
}
