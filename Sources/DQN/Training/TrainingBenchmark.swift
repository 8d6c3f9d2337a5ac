import Foundation
import GridGames
import NeuralNetwork

/// Times the whole DQN loop (environment step with pixels, replay insert, ε-greedy action,
/// learning) in environment steps per second, without any file output.
public enum TrainingBenchmark {
  /// One timed run.
  public struct Figure: Sendable, Encodable {
    public var environment: String
    public var trainFrequency: Int
    public var steps: Int
    public var updates: Int
    public var seconds: Double
    /// Seconds spent in the agent's learning steps (sampling, forward, backward, optimizer).
    public var learningSeconds: Double
    /// Environment copies stepped together (`--envs N`).
    public var envs: Int

    public init(
      environment: String, trainFrequency: Int, steps: Int, updates: Int, seconds: Double, learningSeconds: Double,
      envs: Int = 1
    ) {
      self.environment = environment
      self.trainFrequency = trainFrequency
      self.steps = steps
      self.updates = updates
      self.seconds = seconds
      self.learningSeconds = learningSeconds
      self.envs = envs
    }

    public var stepsPerSecond: Double { seconds > 0 ? Double(steps) / seconds : 0 }

    /// One JSON object (keys sorted): `{"env":…,"learning_fraction":…,"name":"train",…}`.
    public func json() throws -> String {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    private enum CodingKeys: String, CodingKey {
      case name, environment = "env", envs, trainFrequency = "train_frequency", steps, updates, seconds
      case stepsPerSecond = "steps_per_s", learningFraction = "learning_fraction"
    }

    /// Seconds to the millisecond, steps per second to a tenth, the learning fraction to 0.001.
    public func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode("train", forKey: .name)
      try container.encode(environment, forKey: .environment)
      try container.encode(envs, forKey: .envs)
      try container.encode(trainFrequency, forKey: .trainFrequency)
      try container.encode(steps, forKey: .steps)
      try container.encode(updates, forKey: .updates)
      try container.encode((seconds * 1_000).rounded() / 1_000, forKey: .seconds)
      try container.encode((stepsPerSecond * 10).rounded() / 10, forKey: .stepsPerSecond)
      let fraction = seconds > 0 ? learningSeconds / seconds : 0
      try container.encode((fraction * 1_000).rounded() / 1_000, forKey: .learningFraction)
    }

    public var line: String {
      String(
        format: "train %@ envs=%d train_frequency=%d: %d steps, %d updates in %.2f s: %.0f env steps/s (%.0f%% learning)",
        environment, envs, trainFrequency, steps, updates, seconds, stepsPerSecond,
        seconds > 0 ? 100 * learningSeconds / seconds : 0)
    }
  }

  /// The settings of `scripts/reference/torch_dqn_loop.py`: MinAtar network, replay 100k, batch 32,
  /// learning starts 1000, an update every `trainFrequency` steps, a target copy every 1000
  /// steps, Adam 1e-4, γ 0.99, Huber, ε 1 → 0.05 over half the run, plain DQN targets.
  public static func referencePreset(trainFrequency: Int, steps: Int) -> AgentPreset {
    var preset = AgentPreset()
    preset.network = .minatar
    preset.optimizer = .adam
    preset.learningRate = 1e-4
    preset.bufferSize = 100_000
    preset.batchSize = 32
    preset.learningStarts = 1_000
    preset.trainFrequency = trainFrequency
    preset.targetUpdatePeriod = max(1, 1_000 / trainFrequency)
    preset.double = false
    preset.maxGradientNorm = 0
    preset.epsilonStart = 1
    preset.epsilonEnd = 0.05
    preset.epsilonDecaySteps = max(1, steps / 2)
    return preset
  }

  /// Runs `steps` environment steps of the loop with `preset` and times them.
  ///
  /// - Parameter envs: environment copies stepped together, their actions chosen by one batched
  ///   forward pass and their transitions kept in replay streams of their own (as `--envs N`).
  /// - Throws: `TrainingError` when the environment or the network cannot be made.
  public static func run(
    definition: EnvironmentDefinition, preset: AgentPreset, steps: Int, seed: UInt64 = 0, envs: Int = 1,
    splitsUpdates: Bool = false
  ) throws(TrainingError) -> Figure {
    precondition(envs >= 1, "the benchmark needs at least one environment copy")
    var environments: [GridEnvironment]
    do {
      environments = []
      for _ in 0..<envs { environments.append(try definition.makeEnvironment()) }
    } catch {
      throw .environment(error)
    }
    let agent: DQNAgent
    do {
      agent = try DQNAgentBuilder.make(
        preset: preset, frameShape: definition.frameShape, stackDepth: definition.observation.frameStack,
        actionCount: definition.actionNames.count, seed: seed, streams: envs)
    } catch {
      throw .network(error, file: "benchmark preset")
    }
    agent.splitsUpdates = splitsUpdates
    var episodeSeeds = SplitMix64(seed: seed &+ 3)
    var stacks = [ObservationStack](
      repeating: ObservationStack(frameShape: definition.frameShape, depth: definition.observation.frameStack), count: envs)
    var frames: [Frame] = []
    for copy in 0..<envs {
      frames.append(environments[copy].reset(seed: episodeSeeds.next()))
      stacks[copy].reset(with: frames[copy])
    }
    let floats = agent.observationShape.reduce(1, *)
    var batch = Tensor(shape: [envs] + agent.observationShape)
    var learning = Duration.zero
    let clock = ContinuousClock()
    let start = clock.now
    var done = 0
    while done < max(steps, 1) {
      let actions: [Int]
      if envs == 1 {
        actions = [agent.act(stacks[0].observation)]
      } else {
        batch.withUnsafeMutableBufferPointer { destination in
          for copy in 0..<envs {
            stacks[copy].observation.withUnsafeBufferPointer { source in
              (destination.baseAddress! + copy * floats).update(from: source.baseAddress!, count: floats)
            }
          }
        }
        actions = agent.act(batch: batch)
      }
      for copy in 0..<envs {
        let result = environments[copy].step(actions[copy])
        let observeStart = clock.now
        let updates: Int
        do {
          updates = try agent.observe(Transition(frame: frames[copy], action: actions[copy], step: result), stream: copy)
        } catch {
          throw .nonFiniteLoss(step: error.step, loss: error.loss, lastCheckpoint: nil)
        }
        if updates > 0 { learning += clock.now - observeStart }
        if result.isEpisodeOver {
          frames[copy] = environments[copy].reset(seed: episodeSeeds.next())
          stacks[copy].reset(with: frames[copy])
        } else {
          frames[copy] = result.frame
          stacks[copy].push(result.frame)
        }
      }
      done += envs
    }
    return Figure(
      environment: definition.name, trainFrequency: preset.trainFrequency, steps: done, updates: agent.updates,
      seconds: (clock.now - start).totalSeconds, learningSeconds: learning.totalSeconds, envs: envs)
  }

  /// The resident memory of a filled replay ring of `capacity` frames of `frameShape`, next to
  /// the bytes of its frames plus its per-slot fields (action, reward, flags: 9 bytes).
  ///
  /// Reads `/proc/self/statm` (Linux); returns nil where it is not available.
  public static func replayMemory(capacity: Int, frameShape: FrameShape) -> (resident: Int, expected: Int)? {
    guard let before = residentBytes() else { return nil }
    let ring = FrameRing(capacity: capacity, frameShape: frameShape)
    var frame = Frame(shape: frameShape)
    for index in 0..<capacity {
      frame.pixels[0] = UInt8(truncatingIfNeeded: index)
      ring.append(frame: frame, action: index % 6, reward: 0, flags: FrameRing.transitionBit)
    }
    guard let after = residentBytes() else { return nil }
    return withExtendedLifetime(ring) { (after - before, ring.allocatedBytes) }
  }

  private static func residentBytes() -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
  }
}
