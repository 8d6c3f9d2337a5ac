import ArgumentParser
import DQN
import Foundation

/// `--agent DIR`, `--weights`, `--epsilon` and `--seed`: which trained agent plays, with which
/// weights, how greedily and on which episodes (`eval`, `watch`, `record`).
struct TrainedAgentOptions: ParsableArguments {
  /// Which weights of a run to load.
  enum WeightsChoice: String, ExpressibleByArgument, CaseIterable {
    case best, latest
  }

  @Option(help: "The run folder of a trained agent (holds agent.yaml and weights.safetensors).")
  var agent: String

  @Option(help: "Which weights: best (best.safetensors, the default when present) or latest (weights.safetensors).")
  var weights: WeightsChoice?

  @Option(help: "Probability of a random action (default: the preset's evalEpsilon, usually 0.01).")
  var epsilon: Float?

  @Option(help: "Seed of the episodes and the random actions.")
  var seed: UInt64 = 0

  func validate() throws {
    if let epsilon, !(0...1).contains(epsilon) { throw ValidationError("--epsilon must be in 0...1, got \(epsilon)") }
  }

  /// The run folder.
  var folder: URL { URL(fileURLWithPath: agent) }

  /// Whether to load `best.safetensors` when the run has it (unless `--weights latest`).
  var prefersBest: Bool { weights != .latest }

  /// `--epsilon`, or the preset's evaluation ε.
  func epsilon(default preset: AgentPreset) -> Float { epsilon ?? preset.evalEpsilon }
}
