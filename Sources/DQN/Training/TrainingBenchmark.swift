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

    public var stepsPerSecond: Double { seconds > 0 ? Double(steps) / seconds : 0 }

    /// One JSON object (keys sorted): `{"env":…,"learning_fraction":…,"name":"train",…}`.
    public func json() throws -> String {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    private enum CodingKeys: String, CodingKey {
      case name, environment = "env", trainFrequency = "train_frequency", steps, updates, seconds
      case stepsPerSecond = "steps_per_s", learningFraction = "learning_fraction"
    }

    /// Seconds to the millisecond, steps per second to a tenth, the learning fraction to 0.001.
    public func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode("train", forKey: .name)
      try container.encode(environment, forKey: .environment)
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
        format: "train %@ train_frequency=%d: %d steps, %d updates in %.2f s: %.0f env steps/s (%.0f%% learning)",
        environment, trainFrequency, steps, updates, seconds, stepsPerSecond, seconds > 0 ? 100 * learningSeconds / seconds : 0)
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
  /// - Throws: `TrainingError` when the environment or the network cannot be made.
  public static func run(
    definition: EnvironmentDefinition, preset: AgentPreset, steps: Int, seed: UInt64 = 0
  ) throws(TrainingError) -> Figure {
    var environment: GridEnvironment
    do {
      environment = try definition.makeEnvironment()
    } catch {
      throw .environment(error)
    }
    let agent: DQNAgent
    do {
      agent = try DQNAgentBuilder.make(
        preset: preset, frameShape: definition.frameShape, stackDepth: definition.observation.frameStack,
        actionCount: definition.actionNames.count, seed: seed)
    } catch {
      throw .network(error, file: "benchmark preset")
    }
    var episodeSeeds = SplitMix64(seed: seed &+ 3)
    var stack = ObservationStack(frameShape: environment.frameShape, depth: definition.observation.frameStack)
    var frame = environment.reset(seed: episodeSeeds.next())
    stack.reset(with: frame)
    var learning = Duration.zero
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 1...max(steps, 1) {
      let action = agent.act(stack.observation)
      let result = environment.step(action)
      let observeStart = clock.now
      let updates: Int
      do {
        updates = try agent.observe(Transition(frame: frame, action: action, step: result))
      } catch {
        throw .nonFiniteLoss(step: error.step, loss: error.loss, lastCheckpoint: nil)
      }
      if updates > 0 { learning += clock.now - observeStart }
      if result.isEpisodeOver {
        frame = environment.reset(seed: episodeSeeds.next())
        stack.reset(with: frame)
      } else {
        frame = result.frame
        stack.push(result.frame)
      }
    }
    return Figure(
      environment: definition.name, trainFrequency: preset.trainFrequency, steps: steps, updates: agent.updates,
      seconds: (clock.now - start).totalSeconds, learningSeconds: learning.totalSeconds)
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
