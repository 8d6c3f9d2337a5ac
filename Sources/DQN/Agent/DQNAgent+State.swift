import NeuralNetwork

extension DQNAgent {
  /// Everything the agent needs to continue exactly where it was: both networks, the optimizer's
  /// moments, the replay buffer and the counters. A checkpoint (`RunCheckpoint`) stores it.
  public struct State {
    public var onlineNetwork: [String: Tensor]
    public var targetNetwork: [String: Tensor]
    public var optimizer: [String: Tensor]
    /// The replay buffer itself, not a copy: store it before the agent observes again.
    public var replay: ReplayBuffer
    public var counters: Counters

    public init(
      onlineNetwork: [String: Tensor], targetNetwork: [String: Tensor], optimizer: [String: Tensor],
      replay: ReplayBuffer, counters: Counters
    ) {
      self.onlineNetwork = onlineNetwork
      self.targetNetwork = targetNetwork
      self.optimizer = optimizer
      self.replay = replay
      self.counters = counters
    }
  }

  /// The agent's scalars: steps and updates done, its generators, and the statistics not yet
  /// taken. Encoded with the keys `state.json` has always used.
  public struct Counters: Codable, Sendable, Equatable {
    public var steps: Int
    public var updates: Int
    public var explorationGenerator: UInt64
    public var samplingGenerator: UInt64
    public var statistics: LearningStatistics
    /// Updates an interrupted step still owes (absent, 0, in files of uninterrupted steps).
    public var pendingUpdates: Int

    public init(
      steps: Int, updates: Int, explorationGenerator: UInt64, samplingGenerator: UInt64,
      statistics: LearningStatistics, pendingUpdates: Int = 0
    ) {
      self.steps = steps
      self.updates = updates
      self.pendingUpdates = pendingUpdates
      self.explorationGenerator = explorationGenerator
      self.samplingGenerator = samplingGenerator
      self.statistics = statistics
    }

    enum CodingKeys: String, CodingKey {
      case steps = "step"
      case updates = "updateCount"
      case explorationGenerator = "actionGenerator"
      case samplingGenerator = "replayGenerator"
      case pendingUpdates
    }

    /// Reads the counters and, from the same keyed container, the statistics' keys.
    public init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      steps = try container.decode(Int.self, forKey: .steps)
      updates = try container.decode(Int.self, forKey: .updates)
      explorationGenerator = try container.decode(UInt64.self, forKey: .explorationGenerator)
      samplingGenerator = try container.decode(UInt64.self, forKey: .samplingGenerator)
      pendingUpdates = try container.decodeIfPresent(Int.self, forKey: .pendingUpdates) ?? 0
      statistics = try LearningStatistics(from: decoder)
    }

    /// Writes the counters and the statistics' keys side by side in one keyed container.
    public func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(steps, forKey: .steps)
      try container.encode(updates, forKey: .updates)
      try container.encode(explorationGenerator, forKey: .explorationGenerator)
      try container.encode(samplingGenerator, forKey: .samplingGenerator)
      if pendingUpdates != 0 { try container.encode(pendingUpdates, forKey: .pendingUpdates) }
      try statistics.encode(to: encoder)
    }
  }

  /// The agent's state now (its replay buffer by reference).
  public var state: State {
    State(
      onlineNetwork: onlineNetwork.namedTensors, targetNetwork: targetNetwork.namedTensors, optimizer: optimizer.state,
      replay: replay,
      counters: Counters(
        steps: steps, updates: updates, explorationGenerator: explorationGenerator.state,
        samplingGenerator: samplingGenerator.state, statistics: statistics, pendingUpdates: pendingUpdates))
  }

  /// Continues from `state`: the agent then acts and learns exactly as the one that gave it.
  ///
  /// - Throws: `AgentStateError` when a network's or the optimizer's tensors do not fit; the
  ///   agent may then be partly restored and should be dropped.
  /// - Precondition: `state.replay` is laid out as this agent's buffer (made by `emptyCopy()`).
  public func restore(_ state: State) throws(AgentStateError) {
    let own = replay
    let other = state.replay
    precondition(
      other.capacity == own.capacity && other.streams == own.streams && other.ring.frameShape == own.ring.frameShape
        && other.stackDepth == own.stackDepth && other.nStep == own.nStep && other.discount == own.discount
        && other.sampler.keepsPriorities == own.sampler.keepsPriorities,
      "restore needs a replay buffer laid out as the agent's")
    do {
      try onlineNetwork.load(state.onlineNetwork, file: AgentStateError.Part.onlineNetwork.rawValue)
    } catch {
      throw AgentStateError(part: .onlineNetwork, detail: "\(error)")
    }
    do {
      try targetNetwork.load(state.targetNetwork, file: AgentStateError.Part.targetNetwork.rawValue)
    } catch {
      throw AgentStateError(part: .targetNetwork, detail: "\(error)")
    }
    // Each slot (`<parameter>.<slot>`) must have its parameter's shape: the optimizer indexes a
    // slot by the parameter's elements.
    let shapes = Dictionary(uniqueKeysWithValues: onlineNetwork.parameters.map { ($0.name, $0.value.shape) })
    for (key, tensor) in state.optimizer where key != "step" {
      guard let dot = key.lastIndex(of: "."), let shape = shapes[String(key[..<dot])] else {
        throw AgentStateError(part: .optimizer, detail: "'\(key)' names no parameter of the network")
      }
      guard tensor.shape == shape else {
        throw AgentStateError(part: .optimizer, detail: "'\(key)' has shape \(tensor.shape), its parameter \(shape)")
      }
    }
    do {
      try optimizer.restore(state.optimizer)
    } catch {
      throw AgentStateError(part: .optimizer, detail: "\(error)")
    }
    replay = other
    steps = state.counters.steps
    updates = state.counters.updates
    pendingUpdates = state.counters.pendingUpdates
    explorationGenerator = SplitMix64(seed: state.counters.explorationGenerator)
    samplingGenerator = SplitMix64(seed: state.counters.samplingGenerator)
    statistics = state.counters.statistics
  }
}
