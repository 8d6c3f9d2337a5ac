import ArgumentParser
import CShims
import DQN
import DQNMPI
import Foundation
import GridGames
import NeuralNetwork

/// `dqn train`: train a DQN agent on an environment, or continue a run.
struct TrainCommand: ParsableCommand, ChoosesThreadCount {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a DQN or PQN agent from pixels (or continue a run with --resume).",
    discussion: """
      A new run reads Agents/NAME.yaml for --env NAME (or --agent FILE) and writes the run folder \
      (agent.yaml, weights.safetensors, best.safetensors, metrics.csv, eval.csv, a TensorBoard event \
      file and the state for --resume). Ctrl-C saves a checkpoint and exits; `dqn train --resume DIR \
      --steps N` continues to N total steps exactly as an uninterrupted run would.

      Agent families: --agent dqn (the default) reads Agents/<env>.yaml; --agent \
      rainbow-lite and --agent pqn read Agents/rainbow-lite/<env>.yaml and \
      Agents/pqn/<env>.yaml. A preset with `algorithm: pqn` trains with parallel \
      Q-learning (environments × rolloutSteps steps per batch, λ-returns, no replay, \
      no target network); --resume continues it exactly too.

      Watch runs live in TensorBoard (a Python tool, not needed by dqn itself):
        pip install tensorboard && tensorboard --logdir Agents/runs

      Transfer learning: --init-from RUN_OR_AGENT starts the online network from a \
      run's weights (the target network starts as its copy; the replay starts \
      empty). Games with the same frame size and stack share the torso, the \
      Q-network's convolutions (conv1 in minatar, conv1 to conv3 in nature; small \
      has none); the dense layers (fc1, fc2, or a dueling head's value1, value2, \
      advantage1, advantage2) are the head:
        dqn train --env space-invaders --init-from Agents/trained/breakout-dqn \\
          --init-layers torso
      Add --freeze torso to keep it fixed; agent.yaml records the source and the \
      frozen layers, and --resume keeps them frozen. `dqn inspect RUN_OR_AGENT` \
      lists a network's layer names.
      """)

  @Option(help: "Environment: a name in Environments/ (catch, maze, snake, breakout, …) or a path to a .yaml file.")
  var env: String?

  @Option(help: "Agent preset: a family (dqn: Agents/<env>.yaml; rainbow-lite, pqn: Agents/<family>/<env>.yaml), a name in Agents/ or a path to a .yaml file (default: dqn).")
  var agent: String?

  @Option(help: "Total environment steps of the run (default: the preset's `steps`).")
  var steps: Int?

  @Option(help: "Seed of the networks, the episodes and the exploration.")
  var seed: UInt64 = 0

  @Option(help: "Run folder (default: Agents/runs/<env>-<date>-<time>).")
  var out: String?

  @Option(name: .customLong("set"), parsing: .singleValue,
          help: "Override a preset key, as key=value (repeatable), e.g. --set learningRate=0.0005.")
  var overrides: [String] = []

  @Option(help: "Continue the run in this folder (with --steps N for the new total).")
  var resume: String?

  @Option(help: ArgumentHelp(
    "Environment copies stepped together (default 1): one batched forward pass chooses their actions, each copy keeps its own replay stream, and the preset's update schedule still counts environment steps.",
    valueName: "N"))
  var envs: Int = 1

  @Option(help: ArgumentHelp(
    "Ape-X in one process: K actor threads (each with --envs copies and its own ε = 0.4^(1+7i/(K−1))) feed one learner thread that owns a prioritized replay (default 0: the single loop). The preset's replayRatio, weightSyncPeriod and fragmentLength apply; --resume continues close to, not bit for bit like, an uninterrupted run.",
    valueName: "K"))
  var actors: Int = 0

  @Flag(help: ArgumentHelp(
    "Ape-X over Open MPI: run under `mpirun -np P`; rank 0 is the learner and replay (and writes the run folder), every other rank runs --actors-per-rank actor threads. Every rank gets the same options."))
  var distributed = false

  @Option(help: ArgumentHelp("With --distributed: actor threads per actor rank.", valueName: "K"))
  var actorsPerRank: Int = 1

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
    if envs < 1 || envs > 4096 { throw ValidationError("--envs must be between 1 and 4096, got \(envs)") }
    if distributed && actors != 0 { throw ValidationError("--distributed takes --actors-per-rank K, not --actors (the actors are the ranks 1…P−1)") }
    if actorsPerRank < 1 || actorsPerRank > 64 { throw ValidationError("--actors-per-rank must be between 1 and 64, got \(actorsPerRank)") }
    if actors < 0 || actors > 256 { throw ValidationError("--actors must be between 0 and 256, got \(actors)") }
    if resume != nil && actors != 0 && !distributed { throw ValidationError("--resume keeps the run's --actors (agent.yaml records it): leave --actors out") }
    if resume != nil && envs != 1 { throw ValidationError("--resume keeps the run's --envs (agent.yaml records it): leave --envs out") }
  }

  func run() throws {
    if distributed { return try runDistributed() }
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
        let split = (trainer as? Trainer)?.agent.splitsUpdates == true && threadCount.threads == nil
        print("resuming \(resume) at step \(trainer.state.step) of \(totalSteps)" + (frozen.map { " (frozen: \($0.joined(separator: ", ")))" } ?? "")
          + (split ? ", its updates split over two threads as it was started" : ""))
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
        if envs != 1 || actors > 0 {
          throw ValidationError("--envs and --actors are for DQN runs; a pqn preset sets its copies with `environments` (--set environments=N)")
        }
        trainer = try PQNTrainer(
          newRunAt: folder, preset: preset, environment: definition, seed: seed, tensorboard: tensorboard)
      } else {
        // Two or more threads: each update's batch is split over two of them (actor runs keep
        // their cores for the actors). agent.yaml records it for --resume.
        let dqn = try Trainer(
          newRunAt: folder, preset: preset, environment: definition, seed: seed, tensorboard: tensorboard,
          transfer: transferOptions.transfer, envs: envs, actors: actors, splitsUpdates: threadCount.count >= 2)
        if let report = dqn.transferReport { print(report.table) }
        trainer = dqn
      }
      if !quiet {
        let algorithm = preset.algorithm == .pqn ? "pqn, \(preset.environments) environments, " : ""
        let copies = (actors > 0 ? " with \(actors) actor threads" : "") + (envs > 1 ? " with \(envs) environment copies" + (actors > 0 ? " each" : "") : "")
          + ((trainer as? Trainer)?.agent.splitsUpdates == true ? ", each update's batch split over two threads" : "")
        print("training \(algorithm)\(preset.network.rawValue)\(preset.dueling ? " (dueling)" : "") on \(definition.name)\(copies) for \(totalSteps) steps, seed \(seed), into \(folder.path)")
      }
    }
    for note in trainer.notes { print("note: \(note)") }
    if resume != nil, let dqn = trainer as? Trainer, dqn.actors == 0 {
      if let note = Self.resumeThreads(dqn.agent, requested: threadCount.threads) { print("note: \(note)") }
    }
    var reporter = ProgressReporter(quiet: quiet)
    let outcome: TrainingOutcome
    if let dqn = trainer as? Trainer, dqn.actors > 0 {
      outcome = try dqn.trainWithActors(
        toStep: totalSteps, shouldStop: { cshims_interrupted() != 0 }, observer: { reporter.handle($0) })
    } else {
      outcome = try trainer.train(toStep: totalSteps, shouldStop: { cshims_interrupted() != 0 }, observer: { reporter.handle($0) })
    }
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

  /// Sets a resumed single-loop run's split updates and thread count: without `--threads` as the
  /// run was started (agent.yaml's `splitUpdates`, on two threads when it splits), with it as
  /// asked. Returns a note when `--threads` changes the run's bits.
  static func resumeThreads(_ agent: DQNAgent, requested: Int?) -> String? {
    guard let requested else {
      if agent.splitsUpdates && ComputeThreads.count < 2 { ComputeThreads.set(2) }
      return nil
    }
    let splits = requested >= 2
    defer { agent.splitsUpdates = splits }
    guard splits != agent.splitsUpdates else { return nil }
    return agent.splitsUpdates
      ? "the run split its updates over two threads; --threads \(requested) continues on one, which gives other bits than an uninterrupted run (leave --threads out to keep the run's setting)"
      : "the run updated on one thread; --threads \(requested) splits its updates over two, which gives other bits than an uninterrupted run (leave --threads out to keep the run's setting)"
  }

  /// `--distributed`: this process is one rank of an `mpirun` job.
  private func runDistributed() throws {
    guard MPI.isLaunchedByMPIRun else {
      throw CommandError("--distributed runs under Open MPI: mpirun -np P dqn train --env NAME --distributed (P ≥ 2: rank 0 learns, the others act)")
    }
    try MPI.start()
    let rank = MPI.rank
    let ranks = MPI.size
    guard ranks >= 2 else {
      MPI.finish()
      throw CommandError("--distributed needs at least 2 ranks (rank 0 learns, the others act), got mpirun -np \(ranks)")
    }
    let totalActors = (ranks - 1) * actorsPerRank
    if rank != 0 {
      do {
        let preset: AgentPreset
        let definition: EnvironmentDefinition
        var copies = envs
        if let resume {
          let saved = try RunFolder(URL(fileURLWithPath: resume)).readDescription()
          (preset, definition, copies) = (saved.preset, saved.environment, saved.envs)
        } else {
          definition = try environments.resolve(env ?? "")
          var resolved = try AgentPreset.resolve(agent ?? definition.name, searchDirectory: AgentPreset.defaultAgentsDirectory())
          try resolved.apply(overrides: overrides)
          preset = resolved
        }
        try ActorRank.run(
          rank: rank, ranks: ranks, perRank: actorsPerRank, envs: copies, preset: preset, definition: definition,
          seed: seed &+ UInt64(rank) &* 0x2545_F491_4F6C_DD1D)
      } catch {
        FileHandle.standardError.write(Data("rank \(rank): \(error)\n".utf8))
        MPI.abort(code: 1)
      }
      MPI.finish()
      return
    }
    cshims_install_interrupt_handler()
    let trainer: Trainer
    let totalSteps: Int
    do {
      if let resume {
        trainer = try Trainer(resuming: URL(fileURLWithPath: resume))
        guard trainer.actors == totalActors else {
          throw CommandError("\(resume) was trained with \(trainer.actors) actors; run it with mpirun -np P and --actors-per-rank K so that (P − 1)·K = \(trainer.actors)")
        }
        totalSteps = steps ?? trainer.preset.steps
        if totalSteps <= trainer.state.step { throw TrainingError.nothingToDo(stepsDone: trainer.state.step, requested: totalSteps) }
      } else {
        let definition = try environments.resolve(env ?? "")
        var preset = try AgentPreset.resolve(agent ?? definition.name, searchDirectory: AgentPreset.defaultAgentsDirectory())
        try preset.apply(overrides: overrides)
        totalSteps = steps ?? preset.steps
        let folder = out.map { URL(fileURLWithPath: $0) } ?? Self.defaultRunFolder(name: definition.name)
        trainer = try Trainer(
          newRunAt: folder, preset: preset, environment: definition, seed: seed, tensorboard: tensorboard,
          transfer: transferOptions.transfer, envs: envs, actors: totalActors)
        if !quiet {
          print("training \(preset.network.rawValue) on \(definition.name) over MPI: learner on rank 0, \(totalActors) actors on \(ranks - 1) ranks, for \(totalSteps) steps, into \(folder.path)")
        }
      }
    } catch {
      FileHandle.standardError.write(Data("rank 0: \(error)\n".utf8))
      MPI.abort(code: 1)
    }
    for note in trainer.notes { print("note: \(note)") }
    // mpirun answers a dead rank by sending SIGTERM to the others and SIGKILL soon after, which
    // may not leave rank 0 time to save and report: say what to do the moment the signal comes.
    let folderPath = trainer.folder.url.path
    cshims_set_interrupt_message("""

      rank 0 (learner): signal received — Ctrl-C, or mpirun ending the job because a rank died \
      (mpirun's message names it). Saving a checkpoint; if mpirun kills this rank first, the last \
      complete checkpoint in \(folderPath)/checkpoints is intact. Continue with: \
      mpirun -np \(ranks) dqn train --resume \(folderPath) --distributed --actors-per-rank \(actorsPerRank) --steps \(totalSteps)

      """)
    var reporter = ProgressReporter(quiet: quiet)
    let transport = MPILearnerTransport(ranks: ranks)
    let outcome: TrainingOutcome
    do {
      outcome = try trainer.runLearner(
        transport: transport, actorCount: totalActors, totalSteps: totalSteps,
        shouldStop: { cshims_interrupted() != 0 }, observer: { reporter.handle($0) })
    } catch {
      reporter.finish()
      FileHandle.standardError.write(Data("rank 0 (learner): \(error)\n".utf8))
      MPI.abort(code: 1)
    }
    reporter.finish()
    let path = trainer.folder.url.path
    switch outcome {
    case .finished: print("finished \(trainer.state.step) steps, \(trainer.state.episode) episodes; run saved in \(path)")
    case .interrupted:
      print("rank 0: stopped at step \(trainer.state.step) by a signal (Ctrl-C, or mpirun ending the job because a rank died); checkpoint saved. Continue with: mpirun -np \(ranks) dqn train --resume \(path) --distributed --actors-per-rank \(actorsPerRank) --steps \(totalSteps)")
    }
    if let best = trainer.state.bestEvalReturn { print(String(format: "best evaluation mean return: %.3f", best)) }
    fflush(nil)
    transport.close()
    MPI.finish()
  }

  static func defaultRunFolder(name: String) -> URL {
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyyMMdd-HHmmss"
    formatter.locale = Locale(identifier: "en_US_POSIX")
    return AgentPreset.defaultAgentsDirectory().appendingPathComponent("runs")
      .appendingPathComponent("\(name)-\(formatter.string(from: Date()))")
  }
}
