import ArgumentParser
import Foundation
import GridGames

/// `dqn bench env`: environment steps per second with random actions, rendering every frame.
struct BenchEnvCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "env",
    abstract: "Environment steps/s with random actions (frames rendered through SDL2 every step).",
    discussion: "Compare with scripts/reference/minatar_sps.py, the reference minatar package (it renders nothing).")

  @Option(help: "Only this environment (name or .yaml path); default: every file in Environments/.")
  var env: String?

  @OptionGroup var output: JSONOutputOption

  @Option(help: "Environment steps per timed run.")
  var steps = 100_000

  @Option(help: "Timed runs; the median is reported.")
  var runs = 5

  @Option(help: "Copies in the VectorEnvironment figure; 0 skips it.")
  var vector = 8

  @OptionGroup var environments: EnvironmentDirectoryOption

  func validate() throws {
    guard steps >= 1 else { throw ValidationError("--steps must be >= 1, got \(steps)") }
    guard runs >= 1 else { throw ValidationError("--runs must be >= 1, got \(runs)") }
    guard vector >= 0 else { throw ValidationError("--vector must be >= 0, got \(vector)") }
  }

  func run() throws {
    let definitions: [EnvironmentDefinition]
    if let env {
      definitions = [try environments.resolve(env)]
    } else {
      definitions = try EnvironmentCatalog.definitions(in: environments.url)
    }
    for definition in definitions {
      report(try EnvironmentBenchmark.measure(definition, steps: steps, runs: runs))
      if vector > 0 {
        report(try EnvironmentBenchmark.measureVector(
          definition, count: vector, steps: max(1, steps / vector), runs: runs))
      }
    }
  }

  private func report(_ result: EnvironmentBenchmark.Result) {
    let stats = result.stepsPerSecond
    if output.json {
      let shape = result.frameShape
      print("""
        {"bench":"env","env":"\(result.environment)","game":"\(result.game)","vector":\(result.vectorCount),\
        "frame":[\(shape.height),\(shape.width),\(shape.channels)],"steps_per_run":\(result.stepsPerRun),\
        "steps_per_s":{"median":\(Int(stats.median)),"min":\(Int(stats.minimum)),"max":\(Int(stats.maximum)),\
        "runs":\(stats.runs)},"episodes_per_run":\(result.episodesPerRun)}
        """)
    } else {
      let label = result.vectorCount == 1 ? result.environment : "\(result.environment) ×\(result.vectorCount)"
      let figures = String(format: "%10.0f steps/s (min %.0f, max %.0f, %d runs)", stats.median, stats.minimum,
                           stats.maximum, stats.runs)
      print("\(label.padding(toLength: 20, withPad: " ", startingAt: 0)) \(result.frameShape)  \(figures)")
    }
  }
}
