import ArgumentParser
import CShims
import DQN
import Foundation
import GridGames

/// `dqn train`: train a DQN agent on an environment, or continue a run.
struct TrainCommand: ParsableCommand, ChoosesThreadCount {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a DQN or PQN agent from pixels (or continue a run with --resume).",
    discussion: """
      A new run reads Agents/NAME.yaml for --env NAME (or --agent FILE) and writes the run folder
      (agent.yaml, weights.safetensors, best.safetensors, metrics.csv, eval.csv, a TensorBoard event
      file and the state for --resume). Ctrl-C saves a checkpoint and exits; `dqn train --resume DIR
      --steps N` continues to N total steps exactly as an uninterrupted run would.

      Agent families: --agent dqn (the default) reads Agents/<env>.yaml; --agent
      rainbow-lite and --agent pqn read Agents/rainbow-lite/<env>.yaml and
      Agents/pqn/<env>.yaml. A preset with `algorithm: pqn` trains with parallel
      Q-learning (environments × rolloutSteps steps per batch, λ-returns, no replay,
      no target network); --resume continues it exactly too.

      Watch runs live in TensorBoard (a Python tool, not needed by dqn itself):
        pip install tensorboard && tensorboard --logdir Agents/runs

      Transfer learning: --init-from RUN_OR_AGENT starts the online network from a
      run's weights (the target network starts as its copy; the replay starts
      empty). Games with the same frame size and stack share the torso, the
      Q-network's convolutions (conv1 in minatar, conv1 to conv3 in nature; small
      has none); the dense layers (fc1, fc2, or a dueling head's value1, value2,
      advantage1, advantage2) are the head:
        dqn train --env space-invaders --init-from Agents/trained/breakout \\
          --init-layers torso
      Add --freeze torso to keep it fixed; agent.yaml records the source and the
      frozen layers, and --resume keeps them frozen. `dqn inspect RUN_OR_AGENT`
      lists a network's layer names.
      """)

  @Option(help: "Environment: a name in Environments/ (catch, maze, snake, breakout, …) or a path to a .yaml file.")
  var env: String?

  @Option(help: "Agent preset: a family (dqn: Agents/<env>.yaml; rainbow-lite, pqn: Agents/<family>/<env>.yaml), a name in Agents/ or a path to a .yaml file (default: dqn).")
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

  @OptionGroup var transferOptions: TransferOptions

  @OptionGroup var threadCount: ThreadCountOption

  @Flag(help: "Print only the final summary.")
  var quiet = false

  @Flag(inversion: .prefixedNo,
        help: "Write a TensorBoard event file (events.out.tfevents.*) beside metrics.csv; a resumed run keeps its choice.")
  var tensorboard = true

  func validate() throws {
    if resume == nil && env == nil { throw ValidationError("pass --env NAME for a new run, or --resume DIR to continue one") }
    if resume != nil && (env != nil || agent != nil || out != nil || !overrides.isEmpty || !tensorboard || !transferOptions.isEmpty) {
      throw ValidationError("--resume continues a run as it was set up (its frozen layers stay frozen): it takes only --steps (not --env, --agent, --out, --set, --no-tensorboard, --init-from, --init-layers or --freeze)")
    }
    if let steps, steps <= 0 { throw ValidationError("--steps must be positive, got \(steps)") }
  }

  func run() throws {
    // Before anything is written: Ctrl-C (or SIGTERM) from here on ends with a checkpoint.
    cshims_install_interrupt_handler()
    let trainer: any TrainingRun
    let totalSteps: Int
    if let resume {
      trainer = try TrainingRuns.resume(URL(fileURLWithPath: resume))
      totalSteps = steps ?? trainer.preset.steps
      if totalSteps <= trainer.state.step {
        throw TrainingError.nothingToDo(stepsDone: trainer.state.step, requested: totalSteps)
      }
      if !quiet {
        let frozen = (trainer as? Trainer)?.transfer.map(\.frozen).flatMap { $0.isEmpty ? nil : $0 }
        print("resuming \(resume) at step \(trainer.state.step) of \(totalSteps)" + (frozen.map { " (frozen: \($0.joined(separator: ", ")))" } ?? ""))
      }
    } else {
      let definition = try environments.resolve(env ?? "")
      var preset = try AgentPreset.resolve(
        agent ?? AgentPreset.defaultFamily, environment: definition.name,
        searchDirectory: AgentPreset.defaultAgentsDirectory())
      try preset.apply(overrides: overrides)
      totalSteps = steps ?? preset.steps
      let folder = out.map { URL(fileURLWithPath: $0) } ?? Self.defaultRunFolder(name: definition.name)
      if preset.algorithm == .pqn {
        if !transferOptions.isEmpty {
          throw ValidationError("--init-from, --init-layers and --freeze are for DQN runs; this preset has algorithm: pqn")
        }
        trainer = try PQNTrainer(
          newRunAt: folder, preset: preset, environment: definition, seed: seed, tensorboard: tensorboard)
      } else {
        let dqn = try Trainer(
          newRunAt: folder, preset: preset, environment: definition, seed: seed, tensorboard: tensorboard,
          transfer: transferOptions.transfer)
        if let report = dqn.transferReport { print(report.table) }
        trainer = dqn
      }
      if !quiet {
        let algorithm = preset.algorithm == .pqn ? "pqn, \(preset.environments) environments, " : ""
        print("training \(algorithm)\(preset.network.rawValue)\(preset.dueling ? " (dueling)" : "") on \(definition.name) for \(totalSteps) steps, seed \(seed), into \(folder.path)")
      }
    }
    for note in trainer.notes { print("note: \(note)") }
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
