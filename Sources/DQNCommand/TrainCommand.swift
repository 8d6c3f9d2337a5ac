import ArgumentParser
import CShims
import DQN
import Foundation
import GridGames

/// `dqn train`: train a DQN agent on an environment, or continue a run.
struct TrainCommand: ParsableCommand, ChoosesThreadCount {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a DQN agent from pixels (or continue a run with --resume).",
    discussion: """
      A new run reads Agents/NAME.yaml for --env NAME (or --agent FILE) and writes the run folder
      (agent.yaml, weights.safetensors, best.safetensors, metrics.csv, eval.csv and the state for
      --resume). Ctrl-C saves a checkpoint and exits; `dqn train --resume DIR --steps N` continues
      to N total steps exactly as an uninterrupted run would.
      """)

  @Option(help: "Environment: a name in Environments/ (catch, maze, snake, breakout, …) or a path to a .yaml file.")
  var env: String?

  @Option(help: "Agent preset: a name in Agents/ or a path to a .yaml file (default: Agents/<env>.yaml).")
  var agent: String?

  @Option(help: "Total environment steps of the run (default: the preset's `steps`).")
  var steps: Int?

  @Option(help: "Seed of the networks, the episodes and the exploration (default 0).")
  var seed: UInt64 = 0

  @Option(help: "Run folder (default: Agents/runs/<env>-<date>-<time>).")
  var out: String?

  @Option(name: .customLong("set"), parsing: .singleValue,
          help: "Override a preset key, as key=value (repeatable), e.g. --set learningRate=0.0005.")
  var overrides: [String] = []

  @Option(help: "Continue the run in this folder (with --steps N for the new total).")
  var resume: String?

  @OptionGroup var environments: EnvironmentDirectoryOption

  @OptionGroup var threadCount: ThreadCountOption

  @Flag(help: "Print only the final summary.")
  var quiet = false

  func validate() throws {
    if resume == nil && env == nil { throw ValidationError("pass --env NAME for a new run, or --resume DIR to continue one") }
    if resume != nil && (env != nil || agent != nil || out != nil || !overrides.isEmpty) {
      throw ValidationError("--resume continues a run as it was set up: it takes only --steps (not --env, --agent, --out or --set)")
    }
    if let steps, steps <= 0 { throw ValidationError("--steps must be positive, got \(steps)") }
  }

  func run() throws {
    let trainer: Trainer
    let totalSteps: Int
    if let resume {
      trainer = try Trainer(resuming: URL(fileURLWithPath: resume))
      totalSteps = steps ?? trainer.preset.steps
      if totalSteps <= trainer.state.step {
        throw TrainingError.nothingToDo(stepsDone: trainer.state.step, requested: totalSteps)
      }
      if !quiet { print("resuming \(resume) at step \(trainer.state.step) of \(totalSteps)") }
    } else {
      let definition = try environments.resolve(env ?? "")
      var preset = try AgentPreset.resolve(agent ?? definition.name, searchDirectory: AgentPreset.defaultAgentsDirectory())
      try preset.apply(overrides: overrides)
      totalSteps = steps ?? preset.steps
      let folder = out.map { URL(fileURLWithPath: $0) } ?? Self.defaultRunFolder(name: definition.name)
      trainer = try Trainer(newRunAt: folder, preset: preset, environment: definition, seed: seed)
      if !quiet {
        print("training \(preset.network.rawValue)\(preset.dueling ? " (dueling)" : "") on \(definition.name) for \(totalSteps) steps, seed \(seed), into \(folder.path)")
      }
    }
    cshims_install_interrupt_handler()
    var reporter = ProgressReporter(quiet: quiet)
    let outcome = try trainer.train(
      toStep: totalSteps, shouldStop: { cshims_interrupted() != 0 },
      observer: { reporter.handle($0) })
    reporter.finish()
    let path = trainer.folder.url.path
    switch outcome {
    case .finished: print("finished \(trainer.state.step) steps, \(trainer.state.episode) episodes; run saved in \(path)")
    case .interrupted: print("interrupted at step \(trainer.state.step); checkpoint saved. Continue with: dqn train --resume \(path) --steps \(totalSteps)")
    }
    if let best = trainer.state.bestEvalReturn { print(String(format: "best evaluation mean return: %.3f", best)) }
    print("evaluate: dqn eval --agent \(path)")
    print("watch:    dqn watch --agent \(path)")
  }

  static func defaultRunFolder(name: String) -> URL {
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyyMMdd-HHmmss"
    formatter.locale = Locale(identifier: "en_US_POSIX")
    return AgentPreset.defaultAgentsDirectory().appendingPathComponent("runs")
      .appendingPathComponent("\(name)-\(formatter.string(from: Date()))")
  }
}
