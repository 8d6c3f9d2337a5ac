import DQN
import GridGames
import NeuralNetwork

/// A trained agent playing ε-greedily (`EpsilonGreedy`, as `dqn eval` plays); it decides as soon
/// as it sees a frame, so the panel can show the Q-values and the action it is about to take.
public final class AgentActionSource: ActionSource {
  public let agent: TrainedAgent
  public let epsilon: Float
  private var seeds: EpisodeSeeds
  private var exploration: SplitMix64
  private var stack: ObservationStack
  private let actionCount: Int
  public private(set) var upcoming: Decision?

  /// - Parameters:
  ///   - environment: the environment played (checked with `agent.checkFits`).
  ///   - seed: draws the episode seeds and, separately, the exploration.
  public init(agent: TrainedAgent, environment: EnvironmentDefinition, epsilon: Float, seed: UInt64) throws(ViewerError) {
    try agent.checkFits(environment)
    self.agent = agent
    self.epsilon = epsilon
    seeds = EpisodeSeeds(seed: seed)
    exploration = SplitMix64(seed: seed ^ 0x5EED_0F_E951_1011)
    stack = ObservationStack(frameShape: environment.frameShape, depth: environment.observation.frameStack)
    actionCount = environment.actionNames.count
  }

  public var playerName: String { "agent \(agent.name)" }

  public func episodeSeed(_ index: Int) -> UInt64? { seeds.seed(index) }

  public func start(episode: Int, observation: Frame) throws(ViewerError) {
    stack.reset(with: observation)
    decide()
  }

  public func nextAction() throws(ViewerError) -> Int? {
    if upcoming == nil { decide() }
    return upcoming?.action
  }

  public func finish(step: Step, action: Int, stepIndex: Int) throws(ViewerError) {
    upcoming = nil
    guard !step.isEpisodeOver else { return }
    stack.push(step.frame)
    decide()
  }

  private func decide() {
    let q = agent.qValues(stack.observation)
    let action = EpsilonGreedy.action(epsilon: epsilon, actionCount: actionCount, using: &exploration) {
      q.argmax(row: 0)
    }
    upcoming = Decision(action: action, qValues: q.scalars)
  }
}
