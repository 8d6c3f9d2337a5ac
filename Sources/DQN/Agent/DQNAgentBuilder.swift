import GridGames
import NeuralNetwork

/// Turns an `AgentPreset` into a `DQNAgent`'s parts — Q-networks, optimizer, replay (ring and
/// sampler), exploration schedule, learning settings, generators — and the agent made of them.
public enum DQNAgentBuilder {
  /// The agent `preset` describes, for observations of `stackDepth` frames of `frameShape`.
  ///
  /// - Parameters:
  ///   - seed: initialises the networks and seeds the generators.
  ///   - streams: environment copies writing the replay, each a stream of its own.
  /// - Throws: `NetworkShapeError` when the preset's network cannot take these frames.
  public static func make(
    preset: AgentPreset, frameShape: FrameShape, stackDepth: Int, actionCount: Int, seed: UInt64, streams: Int = 1
  ) throws(NetworkShapeError) -> DQNAgent {
    let observationShape = [stackDepth * frameShape.channels, frameShape.height, frameShape.width]
    func network() throws(NetworkShapeError) -> Sequential {
      try QNetworkBuilder.make(
        preset.network, dueling: preset.dueling, inputShape: observationShape, actionCount: actionCount, seed: seed)
    }
    let generators = generators(seed: seed)
    return DQNAgent(
      onlineNetwork: try network(), targetNetwork: try network(),
      optimizer: optimizer(preset: preset),
      replay: replay(preset: preset, frameShape: frameShape, stackDepth: stackDepth, streams: streams),
      exploration: exploration(preset: preset), settings: settings(preset: preset),
      explorationGenerator: generators.exploration, samplingGenerator: generators.sampling,
      makeReplicas: {
        guard let online = try? network(), let target = try? network() else { return nil }
        return (online, target)
      })
  }

  /// The preset's optimizer with its learning rate (and `adamEpsilon` for Adam).
  public static func optimizer(preset: AgentPreset) -> any Optimizer {
    if preset.optimizer == .adam { return Adam(learningRate: preset.learningRate, epsilon: preset.adamEpsilon) }
    return preset.optimizer.make(learningRate: preset.learningRate)
  }

  /// An empty replay buffer: a ring of `bufferSize` frames and a uniform or prioritized sampler.
  public static func replay(preset: AgentPreset, frameShape: FrameShape, stackDepth: Int, streams: Int = 1) -> ReplayBuffer {
    ReplayBuffer(
      ring: FrameRing(capacity: preset.bufferSize, frameShape: frameShape, streams: streams), sampler: sampler(preset: preset),
      stackDepth: stackDepth, nStep: preset.nStep, discount: preset.discount)
  }

  /// Prioritized sampling with β annealed from `importanceExponent` to 1, or uniform sampling.
  public static func sampler(preset: AgentPreset) -> any ReplaySampler {
    guard preset.prioritized else { return UniformSampler() }
    return PrioritizedSampler(
      capacity: preset.bufferSize, priorityExponent: preset.priorityExponent, priorityEpsilon: preset.priorityEpsilon,
      importanceExponent: LinearSchedule(from: preset.importanceExponent, to: 1, steps: preset.importanceAnnealSteps))
  }

  /// ε from `epsilonStart` to `epsilonEnd` over `epsilonDecaySteps` steps from `epsilonDecayStart`.
  public static func exploration(preset: AgentPreset) -> LinearSchedule {
    LinearSchedule(
      from: preset.epsilonStart, to: preset.epsilonEnd, beginStep: preset.epsilonDecayStart,
      steps: preset.epsilonDecaySteps)
  }

  /// The preset's learning keys; `targetUpdateRate` > 0 means Polyak averaging, else hard copies
  /// every `targetUpdatePeriod` updates.
  public static func settings(preset: AgentPreset) -> LearningSettings {
    LearningSettings(
      batchSize: preset.batchSize, learningStarts: preset.learningStarts, trainFrequency: preset.trainFrequency,
      gradientSteps: preset.gradientSteps, double: preset.double, loss: preset.loss,
      maxGradientNorm: preset.maxGradientNorm,
      targetUpdate: preset.targetUpdateRate > 0
        ? .polyak(rate: preset.targetUpdateRate) : .periodic(updates: preset.targetUpdatePeriod),
      rewardClip: preset.rewardClip)
  }

  /// The exploration and sampling generators of a run seeded `seed`: separate streams, so how
  /// often one is drawn never shifts the other.
  public static func generators(seed: UInt64) -> (exploration: SplitMix64, sampling: SplitMix64) {
    (SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ 1), SplitMix64(seed: seed &* 0xBF58_476D_1CE4_E5B9 &+ 2))
  }
}
