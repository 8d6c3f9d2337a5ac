import ArgumentParser
import DQN
import Foundation
import GridGames
import NeuralNetwork

/// `dqn bench train`: the whole DQN loop in environment steps per second.
struct BenchTrainCommand: ParsableCommand, ChoosesThreadCount {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Time the whole DQN loop (env step with pixels, replay insert, ε-greedy action, learning).",
    discussion: """
      Runs the settings of scripts/reference/torch_dqn_loop.py (MinAtar network, replay 100k, batch 32, \
      learning starts 1000, target copy every 1000 steps, Adam 1e-4) once with one update every 4 \
      steps and once with one update per step (MinAtar's recipe). Compare with \
      `python scripts/reference/torch_dqn_loop.py --threads 1` (about 875 env steps/s on this machine kind).

      --envs 1 4 16 64 times each number of environment copies stepped together (one batched \
      forward pass for their actions, as `dqn train --envs N`); --no-update times acting alone \
      (learning never starts), so the figures show what batching the forward pass gains. --without \
      turns fast paths off to measure what each gains in the whole loop: \
      \(FastPaths.named.map(\.name).joined(separator: ", ")) (or all).
      """)

  @Option(help: "Environment: a name in Environments/ or a path to a .yaml file.")
  var env = "breakout"

  @Option(help: "Environment steps per timed run.")
  var steps = 20_000

  @Option(parsing: .upToNextOption, help: ArgumentHelp("Environment copies to time, one run each.", valueName: "N"))
  var envs: [Int] = [1]

  @Flag(help: "Time acting alone: learning never starts (one run per --envs value).")
  var noUpdate = false

  @Option(help: "Seed.")
  var seed: UInt64 = 0

  @Option(help: "Also fill a replay ring of this many 84×84 frames and report its resident memory (0: skip).")
  var replayFrames = 0

  @OptionGroup var environments: EnvironmentDirectoryOption

  @OptionGroup var threadCount: ThreadCountOption

  @OptionGroup var fastPaths: FastPathsOption

  @OptionGroup var output: JSONOutputOption

  func validate() throws {
    guard steps > 1_000 else { throw ValidationError("--steps must be above the 1000 learning-start steps, got \(steps)") }
    guard envs.allSatisfy({ (1...4096).contains($0) }) else { throw ValidationError("--envs values must be between 1 and 4096, got \(envs)") }
    guard replayFrames >= 0 else { throw ValidationError("--replay-frames must be ≥ 0, got \(replayFrames)") }
  }

  func run() throws {
    try fastPaths.apply()
    let definition = try environments.resolve(env)
    if !output.json { print("OpenBLAS \(BLAS.configuration), \(ComputeThreads.count) thread(s); \(steps) steps on \(definition.name)") }
    for copies in envs {
      for frequency in noUpdate ? [4] : [4, 1] {
        var preset = TrainingBenchmark.referencePreset(trainFrequency: frequency, steps: steps)
        if noUpdate { preset.learningStarts = steps + copies }
        let figure = try TrainingBenchmark.run(
          definition: definition, preset: preset, steps: steps, seed: seed, envs: copies,
          splitsUpdates: ComputeThreads.count >= 2)
        print(output.json ? try figure.json() : figure.line)
      }
    }
    if replayFrames > 0 {
      let shape = FrameShape(height: 84, width: 84, channels: 1)
      guard let (resident, expected) = TrainingBenchmark.replayMemory(capacity: replayFrames, frameShape: shape) else {
        throw CommandError("cannot read /proc/self/statm to measure resident memory")
      }
      let overhead = Double(resident - expected) / Double(expected) * 100
      if output.json {
        print(String(format: "{\"name\":\"replay-memory\",\"frames\":%d,\"resident_bytes\":%d,\"expected_bytes\":%d,\"overhead_percent\":%.3f}", replayFrames, resident, expected, overhead))
      } else {
        print(String(format: "replay of %d 84×84 frames: %.1f MB resident, frames + fields %.1f MB (%+.2f%%)", replayFrames, Double(resident) / 1e6, Double(expected) / 1e6, overhead))
      }
    }
  }
}
