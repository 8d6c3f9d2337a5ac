import Foundation
import GridGames
import NeuralNetwork
import Testing
@testable import DQN

/// The wiring of the agent's update, on 1×1 frames and a linear Q-network `Q(x) = w·x + b` with
/// two actions, whose values the tests set by hand.
@Suite struct DQNAgentTests {
  static let shape = FrameShape(height: 1, width: 1, channels: 1)

  /// A frame whose pixel is `value` (the network sees `value / 255`).
  static func frame(_ value: UInt8) -> Frame { Frame(height: 1, width: 1, channels: 1, pixels: [value]) }

  static func network(seed: UInt64, actions: Int) -> Sequential {
    var rng = SplitMix64(seed: seed)
    return Sequential([Flatten(), Dense(inputSize: 1, outputSize: actions, name: "fc", using: &rng)], computesInputGradient: false)
  }

  /// Sets `network` to `Q(x) = weights · x + biases`.
  static func set(_ network: Sequential, weights: [Float], biases: [Float]) throws {
    try network.load(
      ["fc.weight": Tensor(shape: [weights.count, 1], scalars: weights), "fc.bias": Tensor(shape: [biases.count], scalars: biases)],
      file: "test")
  }

  static func settings(
    batchSize: Int, learningStarts: Int, trainFrequency: Int, gradientSteps: Int, double: Bool,
    targetUpdate: TargetUpdate, rewardClip: Float
  ) -> LearningSettings {
    LearningSettings(
      batchSize: batchSize, learningStarts: learningStarts, trainFrequency: trainFrequency, gradientSteps: gradientSteps,
      double: double, loss: .huber, maxGradientNorm: 0, targetUpdate: targetUpdate, rewardClip: rewardClip)
  }

  static func agent(settings: LearningSettings, sampler: any ReplaySampler, discount: Float, seed: UInt64) -> DQNAgent {
    let replay = ReplayBuffer(
      ring: FrameRing(capacity: 64, frameShape: shape), sampler: sampler, stackDepth: 1, nStep: 1, discount: discount)
    return DQNAgent(
      onlineNetwork: network(seed: seed, actions: 2), targetNetwork: network(seed: seed &+ 1, actions: 2),
      optimizer: SGD(learningRate: 0.1), replay: replay, exploration: LinearSchedule(from: 1, to: 0, steps: 10),
      settings: settings, explorationGenerator: SplitMix64(seed: seed &+ 2), samplingGenerator: SplitMix64(seed: seed &+ 3))
  }

  /// An episode of one step from a lit pixel, cut off by a time limit (so it bootstraps from the
  /// dark final frame).
  static func oneStepEpisode(reward: Float) -> Transition {
    Transition(frame: frame(255), action: 0, reward: reward, terminated: false, truncated: true, nextFrame: frame(0))
  }

  static func prioritized(priorityEpsilon: Float) -> PrioritizedSampler {
    PrioritizedSampler(
      capacity: 64, priorityExponent: 1, priorityEpsilon: priorityEpsilon,
      importanceExponent: LinearSchedule(from: 1, to: 1, steps: 1))
  }

  @Test(arguments: [true, false])
  func doubleDQNValuesTheOnlineArgmaxWithTheTargetNetwork(double: Bool) throws {
    let agent = Self.agent(
      settings: Self.settings(
        batchSize: 1, learningStarts: 0, trainFrequency: 1, gradientSteps: 1, double: double,
        targetUpdate: .periodic(updates: 1_000), rewardClip: 0),
      sampler: UniformSampler(), discount: 0.5, seed: 1)
    // Q_online = [0, 1] everywhere (argmax 1); Q_target = [5, 2] (max 5, and 2 at action 1).
    try Self.set(agent.onlineNetwork, weights: [0, 0], biases: [0, 1])
    try Self.set(agent.targetNetwork, weights: [0, 0], biases: [5, 2])
    #expect(try agent.observe(Self.oneStepEpisode(reward: 1)) == 1)
    // TD error Q(s, 0) − (r + γ·v): Double DQN v = Q_target(s', argmax Q_online) = 2; DQN v = 5.
    #expect(agent.loss.lastErrors == [double ? -2 : -3.5])
  }

  @Test func theTargetStartsAsACopyAndIsCopiedEveryPeriod() throws {
    let agent = Self.agent(
      settings: Self.settings(
        batchSize: 1, learningStarts: 0, trainFrequency: 1, gradientSteps: 1, double: true,
        targetUpdate: .periodic(updates: 3), rewardClip: 0),
      sampler: UniformSampler(), discount: 0.9, seed: 2)
    #expect(agent.targetNetwork.namedTensors == agent.onlineNetwork.namedTensors)
    var lastCopy = agent.targetNetwork.namedTensors
    for update in 1...7 {
      #expect(try agent.observe(Self.oneStepEpisode(reward: 1)) == 1)
      #expect(agent.updates == update)
      if update % 3 == 0 {
        #expect(agent.targetNetwork.namedTensors == agent.onlineNetwork.namedTensors, "update \(update)")
        lastCopy = agent.targetNetwork.namedTensors
      } else {
        #expect(agent.targetNetwork.namedTensors != agent.onlineNetwork.namedTensors, "update \(update)")
        #expect(agent.targetNetwork.namedTensors == lastCopy, "update \(update)")
      }
    }
  }

  @Test func polyakMovesTheTargetAFractionTowardTheOnlineNetworkEveryUpdate() throws {
    let agent = Self.agent(
      settings: Self.settings(
        batchSize: 1, learningStarts: 0, trainFrequency: 1, gradientSteps: 1, double: true,
        targetUpdate: .polyak(rate: 0.25), rewardClip: 0),
      sampler: UniformSampler(), discount: 0.9, seed: 3)
    try Self.set(agent.targetNetwork, weights: [1, -1], biases: [2, 0])
    for _ in 0..<3 {
      let before = agent.targetNetwork.namedTensors
      try agent.observe(Self.oneStepEpisode(reward: 1))
      let online = agent.onlineNetwork.namedTensors
      for (name, value) in agent.targetNetwork.namedTensors {
        let old = try #require(before[name]).scalars
        let new = try #require(online[name]).scalars
        for (index, blended) in value.scalars.enumerated() {
          #expect(abs(blended - (0.75 * old[index] + 0.25 * new[index])) < 1e-6, "\(name)[\(index)]")
        }
      }
    }
  }

  @Test func prioritiesBecomeTheTDErrorsOfTheBatch() throws {
    let sampler = Self.prioritized(priorityEpsilon: 0.01)
    let agent = Self.agent(
      settings: Self.settings(
        batchSize: 1, learningStarts: 0, trainFrequency: 1, gradientSteps: 1, double: true,
        targetUpdate: .periodic(updates: 1_000), rewardClip: 0),
      sampler: sampler, discount: 0.5, seed: 4)
    try Self.set(agent.onlineNetwork, weights: [0, 0], biases: [0, 1])
    try Self.set(agent.targetNetwork, weights: [0, 0], biases: [5, 2])
    try agent.observe(Self.oneStepEpisode(reward: 1))
    // Slot 0 holds the transition (it entered at priority 1), slot 1 the final frame.
    #expect(agent.loss.lastErrors == [-2])
    let expected = Double(Float(2) + 0.01)
    #expect(sampler.priorities[0] == expected)
    #expect(sampler.priorities[1] == 0)
    #expect(sampler.maxPriority == expected)
  }

  @Test func importanceWeightsScaleTheLoss() throws {
    let sampler = Self.prioritized(priorityEpsilon: 0.01)
    let agent = Self.agent(
      settings: Self.settings(
        batchSize: 4, learningStarts: 1_000, trainFrequency: 1, gradientSteps: 1, double: true,
        targetUpdate: .periodic(updates: 1_000), rewardClip: 0),
      sampler: sampler, discount: 0.5, seed: 5)
    try agent.observe(Self.oneStepEpisode(reward: 1))
    try agent.observe(Self.oneStepEpisode(reward: -1))
    #expect(agent.updates == 0)
    // Transitions at 0 and 2 with priorities 1.01 and 3.01: the rarer one weighs more. Row 0 of
    // the stratified batch draws from the first quarter of the total, which is all transition 0.
    agent.replay.updatePriorities(indices: [0, 2], errors: [1, 3])
    let result = agent.learn()
    let weights = agent.batch.weights
    let errors = agent.loss.lastErrors
    #expect(agent.batch.indices[0] == 0 && agent.batch.indices.contains(2))
    #expect(weights.contains { $0 < 0.5 } && weights.contains(1))
    let weighted = zip(weights, errors).reduce(Float(0)) { $0 + $1.0 * huber($1.1) } / 4
    let unweighted = errors.reduce(Float(0)) { $0 + huber($1) } / 4
    #expect(result.loss == weighted)
    #expect(abs(weighted - unweighted) > 0.1)
  }

  @Test func observeLearnsOnItsScheduleOnceABatchIsStored() throws {
    let scheduled = Self.agent(
      settings: Self.settings(
        batchSize: 1, learningStarts: 3, trainFrequency: 2, gradientSteps: 2, double: true,
        targetUpdate: .periodic(updates: 1_000), rewardClip: 0),
      sampler: UniformSampler(), discount: 0.9, seed: 6)
    var made: [Int] = []
    for _ in 0..<8 { made.append(try scheduled.observe(Self.oneStepEpisode(reward: 1))) }
    #expect(made == [0, 0, 0, 2, 0, 2, 0, 2])
    #expect(scheduled.updates == 6 && scheduled.steps == 8)
    #expect(scheduled.takeStatistics().updates == 6)
    #expect(scheduled.statistics.updates == 0)

    // A batch of 4 needs 4 stored slots: each one-step episode stores its frame and final frame.
    let waiting = Self.agent(
      settings: Self.settings(
        batchSize: 4, learningStarts: 0, trainFrequency: 1, gradientSteps: 1, double: true,
        targetUpdate: .periodic(updates: 1_000), rewardClip: 0),
      sampler: UniformSampler(), discount: 0.9, seed: 7)
    #expect(try waiting.observe(Self.oneStepEpisode(reward: 1)) == 0)
    #expect(try waiting.observe(Self.oneStepEpisode(reward: 1)) == 1)
  }

  @Test func rewardsAreClippedWhenStored() throws {
    let agent = Self.agent(
      settings: Self.settings(
        batchSize: 1, learningStarts: 100, trainFrequency: 1, gradientSteps: 1, double: true,
        targetUpdate: .periodic(updates: 1_000), rewardClip: 0.5),
      sampler: UniformSampler(), discount: 0.9, seed: 8)
    try agent.observe(Self.oneStepEpisode(reward: 3))
    try agent.observe(Self.oneStepEpisode(reward: -0.25))
    #expect(agent.replay.ring.reward(at: 0) == 0.5)
    #expect(agent.replay.ring.reward(at: 2) == -0.25)
  }

  @Test func aRestoredAgentActsAndLearnsAsTheOriginal() throws {
    let settings = Self.settings(
      batchSize: 2, learningStarts: 1, trainFrequency: 1, gradientSteps: 1, double: true,
      targetUpdate: .periodic(updates: 2), rewardClip: 0)
    let original = Self.agent(settings: settings, sampler: Self.prioritized(priorityEpsilon: 0.01), discount: 0.9, seed: 9)
    let copy = Self.agent(settings: settings, sampler: Self.prioritized(priorityEpsilon: 0.01), discount: 0.9, seed: 90)
    let observation = Tensor(shape: [1, 1, 1, 1], scalars: [1])
    for step in 0..<5 {
      try original.observe(Self.oneStepEpisode(reward: Float(step % 3) - 1))
      _ = original.act(observation)
    }
    // Through the replay file, as a checkpoint does.
    var state = original.state
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("agent-replay-\(UUID().uuidString).bin")
    defer { try? FileManager.default.removeItem(at: url) }
    try state.replay.write(to: url)
    state.replay = copy.replay.emptyCopy()
    try state.replay.read(from: url)
    try copy.restore(state)
    #expect(copy.steps == original.steps && copy.updates == original.updates && copy.statistics == original.statistics)
    for step in 0..<6 {
      #expect(copy.act(observation) == original.act(observation), "step \(step)")
      try original.observe(Self.oneStepEpisode(reward: Float(step % 2)))
      try copy.observe(Self.oneStepEpisode(reward: Float(step % 2)))
      #expect(copy.onlineNetwork.namedTensors == original.onlineNetwork.namedTensors, "step \(step)")
      #expect(copy.targetNetwork.namedTensors == original.targetNetwork.namedTensors, "step \(step)")
    }
  }

  @Test func restoringWeightsOfAnotherNetworkNamesThePart() throws {
    let agent = Self.agent(
      settings: Self.settings(
        batchSize: 1, learningStarts: 0, trainFrequency: 1, gradientSteps: 1, double: true,
        targetUpdate: .periodic(updates: 1_000), rewardClip: 0),
      sampler: UniformSampler(), discount: 0.9, seed: 10)
    var state = agent.state
    state.onlineNetwork = Self.network(seed: 1, actions: 3).namedTensors
    state.replay = agent.replay.emptyCopy()
    #expect { try agent.restore(state) } throws: { error in
      (error as? AgentStateError)?.part == .onlineNetwork && "\(error)".contains("fc.weight")
    }
  }

  @Test func restoringAReplayLaidOutOtherwiseIsAProgrammerError() async {
    await #expect(processExitsWith: .failure) {
      let settings = DQNAgentTests.settings(
        batchSize: 1, learningStarts: 0, trainFrequency: 1, gradientSteps: 1, double: true,
        targetUpdate: .periodic(updates: 1_000), rewardClip: 0)
      let agent = DQNAgentTests.agent(settings: settings, sampler: UniformSampler(), discount: 0.9, seed: 11)
      let other = DQNAgentTests.agent(
        settings: settings, sampler: DQNAgentTests.prioritized(priorityEpsilon: 0.01), discount: 0.9, seed: 11)
      var state = agent.state
      state.replay = other.replay.emptyCopy()
      try? agent.restore(state)
    }
  }
}
