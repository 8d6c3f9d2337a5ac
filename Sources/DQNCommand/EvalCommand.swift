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

  @Option(help: "The run folder (holds agent.yaml and weights.safetensors).")
  var agent: String

  @Option(help: "Episodes to play (default 100).")
  var episodes = 100

  @Option(help: "Probability of a random action (default: the preset's evalEpsilon, usually 0.01).")
  var epsilon: Float?

  @Option(help: "Seed of the episodes and the random actions (default 0).")
  var seed: UInt64 = 0

  @Option(help: "Which weights: best (best.safetensors, the default when present) or latest (weights.safetensors).")
  var weights: WeightsChoice?

  enum WeightsChoice: String, ExpressibleByArgument, CaseIterable {
    case best, latest
  }

  func validate() throws {
    guard episodes > 0 else { throw ValidationError("--episodes must be positive, got \(episodes)") }
    if let epsilon, !(0...1).contains(epsilon) { throw ValidationError("--epsilon must be in 0...1, got \(epsilon)") }
  }

  func run() throws {
    BLAS.setThreadCount(1)
    let folder = RunFolder(URL(fileURLWithPath: agent))
    let description = try folder.readDescription()
    let hasBest = FileManager.default.fileExists(atPath: folder.bestWeightsFile.path)
    let file: URL
    switch weights {
    case .best: file = folder.bestWeightsFile
    case .latest: file = folder.weightsFile
    case nil: file = hasBest ? folder.bestWeightsFile : folder.weightsFile
    }
    let network = try RunFolder.loadNetwork(description, weights: file)
    let environment: GridEnvironment
    do {
      environment = try description.environment.makeEnvironment()
    } catch {
      throw TrainingError.environment(error)
    }
    let result = Evaluation.run(
      network: network, environment: environment, stackDepth: description.environment.observation.frameStack,
      episodes: episodes, epsilon: epsilon ?? description.preset.evalEpsilon, seed: seed)
    print("agent: \(agent) (\(description.environment.name), \(description.stepsDone) steps, \(file.lastPathComponent))")
    print(result.summaryLine)
  }
}
