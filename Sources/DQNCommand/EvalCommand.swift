import ArgumentParser
import DQN
import Foundation
import GridGames
import NeuralNetwork

/// `dqn eval`: play episodes with a trained agent, headless, and print the mean return.
struct EvalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval",
    abstract: "Evaluate a trained agent: play N episodes headless and print the mean return.",
    discussion: "Ends with a line such as `mean_return: 0.98 std: 0.14 episodes: 100`. Needs only agent.yaml and the weights (no replay buffer).")

  /// Evaluations play 100 episodes unless told otherwise.
  enum Episodes: DefaultEpisodeCount {
    static let episodes = 100
  }

  @OptionGroup var trained: TrainedAgentOptions

  @OptionGroup var count: EpisodeCountOption<Episodes>

  func run() throws {
    let folder = RunFolder(trained.folder)
    let description = try folder.readDescription()
    let hasBest = FileManager.default.fileExists(atPath: folder.bestWeightsFile.path)
    let file: URL
    switch trained.weights {
    case .best: file = folder.bestWeightsFile
    case .latest: file = folder.weightsFile
    case nil: file = hasBest ? folder.bestWeightsFile : folder.weightsFile
    }
    let result = try RunFolder.evaluate(
      description, weights: file, episodes: count.episodes, epsilon: trained.epsilon(default: description.preset),
      seed: trained.seed)
    print("agent: \(trained.agent) (\(description.environment.name), \(description.stepsDone) steps, \(file.lastPathComponent))")
    print(result.summaryLine)
  }
}
