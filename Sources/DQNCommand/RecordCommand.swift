import ArgumentParser
import DQN
import Foundation
import GridGames
import Viewer

/// `dqn record`: record a trained agent's episodes into a replay file, headless.
struct RecordCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "record",
    abstract: "Record a trained agent's episodes into a replay file (headless).",
    discussion: """
      The replay holds the environment definition, the seeds, and per episode the actions, the \
      rewards and a hash of every frame; `dqn replay FILE` re-simulates it and checks every frame.
      """)

  @OptionGroup var trained: TrainedAgentOptions

  @OptionGroup var environment: AgentEnvironmentOption

  @Option(help: "Episodes to record.")
  var episodes: Int

  @Option(help: "The replay file to write (e.g. Replays/catch.replay).")
  var out: String

  func validate() throws {
    guard episodes > 0 else { throw ValidationError("--episodes must be positive, got \(episodes)") }
  }

  func run() throws {
    let outURL = URL(fileURLWithPath: out)
    try checkWritable(outURL)
    let agent = try TrainedAgent(folder: trained.folder, preferBest: trained.prefersBest)
    let definition = try environment.definition(trainedOn: agent.environment)
    let recording = try Recording.record(
      agent: agent, agentPath: trained.agent, environment: definition, episodes: episodes, seed: trained.seed,
      epsilon: trained.epsilon(default: agent.description.preset), onEpisode: printEpisode)
    try recording.write(to: outURL)
    let mean = recording.episodes.map(\.totalReward).reduce(0, +) / Double(max(recording.episodes.count, 1))
    print(String(format: "mean return %.2f over %d episodes", mean, recording.episodes.count))
    print("recorded \(recording.episodes.count) episodes of \(definition.name) to \(outURL.path)")
  }
}
