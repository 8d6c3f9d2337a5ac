import Foundation
import GridGames
import NeuralNetwork

/// One Ape-X actor: `envs` copies of the environment, a local copy of the learner's online
/// network refreshed from the transport, a fixed ε of its own. It sends its experience in
/// fragments, each transition with an initial priority: the |n-step TD error| computed with its
/// copy of the network (the Q-values it already computed to act, so no extra forward pass).
///
/// A transition's priority needs the value of the state n steps later, so each copy holds back
/// its last n steps; an episode's end releases them (terminal steps bootstrap from 0, a time
/// limit's from the last state's value: only an estimate, the learner's updates correct it).
public final class ApeXActor: @unchecked Sendable {
  public let index: Int
  public let epsilon: Float
  public let network: Sequential
  public private(set) var weightsVersion = -1
  /// Environment steps taken.
  public private(set) var steps = 0
  private var environments: [GridEnvironment]
  private var stacks: [ObservationStack]
  private var frames: [Frame]
  private var returns: [Double]
  private var lengths: [Int]
  private var pending: [[Pending]]
  private var fragment: ExperienceFragment
  private var sequence = 0
  private var seeds: SplitMix64
  private var generator: SplitMix64
  private var observations: Tensor
  private let settings: LearningSettings
  private let nStep: Int
  private let discount: Float
  private let fragmentLength: Int
  private let actionCount: Int

  /// A step waiting for its n-step priority.
  private struct Pending {
    var frame: Frame
    var action: Int
    var reward: Float
    var terminated: Bool
    var truncated: Bool
    var final: Frame?
    /// Q(s, a) of the action taken and max_a Q(s, a), from the forward pass that chose it.
    var taken: Float
    var value: Float
  }

  /// - Parameters:
  ///   - index: the actor's number over the whole job (its ε and its replay streams follow it).
  ///   - actors: actors in the whole job.
  ///   - envs: environment copies this actor steps together.
  ///   - fragmentLength: transitions per fragment sent.
  /// - Throws: `TrainingError` when the environment or the network cannot be made.
  public init(
    index: Int, actors: Int, envs: Int, preset: AgentPreset, definition: EnvironmentDefinition, seed: UInt64,
    fragmentLength: Int
  ) throws(TrainingError) {
    precondition(envs >= 1 && fragmentLength >= 1)
    self.index = index
    epsilon = ApeXExploration.epsilon(actor: index, of: actors)
    environments = []
    do {
      for _ in 0..<envs { environments.append(try definition.makeEnvironment()) }
    } catch {
      throw .environment(error)
    }
    let stackDepth = definition.observation.frameStack
    let frameShape = definition.frameShape
    let observationShape = [stackDepth * frameShape.channels, frameShape.height, frameShape.width]
    actionCount = definition.actionNames.count
    do {
      network = try QNetworkBuilder.make(
        preset.network, dueling: preset.dueling, inputShape: observationShape, actionCount: actionCount, seed: seed)
    } catch {
      throw .network(error, file: "the agent preset")
    }
    stacks = [ObservationStack](repeating: ObservationStack(frameShape: frameShape, depth: stackDepth), count: envs)
    frames = [Frame](repeating: Frame(shape: frameShape), count: envs)
    returns = [Double](repeating: 0, count: envs)
    lengths = [Int](repeating: 0, count: envs)
    pending = [[Pending]](repeating: [], count: envs)
    fragment = ExperienceFragment(actor: index, sequence: 0, frameShape: frameShape)
    // Streams of their own per actor and per session, apart from the learner's generators.
    let salt = seed &+ UInt64(index + 1) &* 0xD1B5_4A32_D192_ED03
    seeds = SplitMix64(seed: salt ^ 0x5851_F42D_4C95_7F2D)
    generator = SplitMix64(seed: salt)
    observations = Tensor(shape: [envs] + observationShape)
    settings = DQNAgentBuilder.settings(preset: preset)
    nStep = preset.nStep
    discount = preset.discount
    self.fragmentLength = fragmentLength
    for copy in 0..<envs { startEpisode(copy) }
  }

  public var envs: Int { environments.count }
  /// Transitions in the fragment being built.
  public var fragmentTransitions: Int { fragment.transitions }

  /// Acts until `shouldStop` says so or the transport closes: fetch newer weights, choose the
  /// copies' actions with one forward pass, step, and send every full fragment.
  ///
  /// - Throws: `TransportError` other than `closed` (a lost learner, a malformed message).
  public func run(transport: any ActorTransport, shouldStop: () -> Bool = { false }) throws(TransportError) {
    do {
      while !shouldStop() {
        try refreshWeights(from: transport)
        if weightsVersion < 0 {
          Thread.sleep(forTimeInterval: 0.001)
          continue
        }
        step()
        if fragment.transitions >= fragmentLength { try transport.send(takeFragment()) }
      }
    } catch .closed {
      return
    }
  }

  /// Loads the learner's weights if newer ones are published.
  public func refreshWeights(from transport: any ActorTransport) throws(TransportError) {
    guard let snapshot = try transport.weights(newerThan: weightsVersion) else { return }
    try snapshot.load(into: network)
    weightsVersion = snapshot.version
  }

  /// One step of every copy.
  public func step() {
    let copies = environments.count
    let floats = observations.count / copies
    observations.withUnsafeMutableBufferPointer { destination in
      for copy in 0..<copies {
        stacks[copy].observation.withUnsafeBufferPointer { source in
          (destination.baseAddress! + copy * floats).update(from: source.baseAddress!, count: floats)
        }
      }
    }
    let q = network(observations)
    for copy in 0..<copies {
      let action = EpsilonGreedy.action(epsilon: epsilon, actionCount: actionCount, using: &generator) {
        q.argmax(row: copy)
      }
      var value = -Float.infinity
      for a in 0..<actionCount { value = max(value, q[flat: copy * actionCount + a]) }
      let result = environments[copy].step(action)
      steps += 1
      returns[copy] += Double(result.reward)
      lengths[copy] += 1
      pending[copy].append(Pending(
        frame: frames[copy], action: action, reward: result.reward, terminated: result.terminated,
        truncated: result.truncated, final: result.isEpisodeOver ? result.frame : nil,
        taken: q[flat: copy * actionCount + action], value: value))
      if result.isEpisodeOver {
        release(copy, all: true)
        fragment.episodes.append(.init(episodeReturn: returns[copy], length: lengths[copy], epsilon: epsilon))
        startEpisode(copy)
      } else {
        release(copy, all: false)
        frames[copy] = result.frame
        stacks[copy].push(result.frame)
      }
    }
  }

  /// The fragment built so far (numbered), and a new one started.
  public func takeFragment() -> ExperienceFragment {
    var full = fragment
    full.sequence = sequence
    sequence += 1
    fragment = ExperienceFragment(actor: index, sequence: sequence, frameShape: fragment.frameShape)
    return full
  }

  /// Moves copy `copy`'s steps whose n-step horizon is known into the fragment: all of them at
  /// an episode's end, else those n steps behind the newest.
  private func release(_ copy: Int, all: Bool) {
    let steps = pending[copy]
    let ready = all ? steps.count : max(0, steps.count - nStep)
    guard ready > 0 else { return }
    for start in 0..<ready {
      var total: Float = 0
      var factor: Float = 1
      var bootstrap: Float = 0
      var k = start
      while true {
        total += factor * settings.clipped(steps[k].reward)
        factor *= discount
        if steps[k].terminated { break }
        if steps[k].truncated {
          bootstrap = factor * steps[k].value
          break
        }
        k += 1
        if k - start == nStep {
          bootstrap = factor * steps[k].value
          break
        }
      }
      let item = steps[start]
      fragment.appendTransition(
        copy: copy, frame: item.frame, action: item.action, reward: item.reward, terminated: item.terminated,
        truncated: item.truncated, priority: abs(total + bootstrap - item.taken))
      if let final = item.final { fragment.appendFinal(copy: copy, frame: final) }
    }
    pending[copy].removeFirst(ready)
  }

  private func startEpisode(_ copy: Int) {
    frames[copy] = environments[copy].reset(seed: seeds.next())
    stacks[copy].reset(with: frames[copy])
    returns[copy] = 0
    lengths[copy] = 0
  }
}
