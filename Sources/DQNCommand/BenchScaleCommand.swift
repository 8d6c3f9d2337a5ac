import ArgumentParser
import DQN
import Foundation

/// `dqn bench scale`: env steps/s and learner updates/s of `dqn train` for the single loop,
/// `--envs N`, actor threads and MPI ranks, plus the per-transition and per-batch costs that
/// project the scaling to many machines.
struct BenchScaleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "scale",
    abstract: "Time dqn train's single loop, --envs, actor threads and MPI ranks side by side (Ape-X preset).",
    discussion: """
      Each configuration is one `dqn train --quiet` child process of --steps environment steps \
      into a scratch folder (removed afterwards), with evaluation and checkpoints off; its figure \
      is the steps (and updates) agent.yaml records over the process's wall time, start-up \
      included. The replay ratio (sampled transitions per collected one) is the preset's in every \
      row, so every configuration does the same updates per collected step.

      Rows: the single loop (--envs 1), --envs N (--envs), --actors K actor threads (--actors), \
      and `mpirun -np P … --distributed` (--ranks; skipped when mpirun is not on the PATH, or \
      with --ranks none). Then two more runs give the costs the projection needs: acting alone \
      (learning never starts, ε 0.01 so every step runs a forward pass) gives an actor's seconds \
      per transition; the single loop's time less its acting gives the learner's seconds per \
      batch. From those it prints how many collected transitions per second one learner absorbs \
      at the run's replay ratio and at Ape-X's lower ones, how many actors it takes to feed it, \
      and the bandwidth of their fragments (frames travel once, 17 bytes of fields each).

      Example (the README's table):
        dqn bench scale --env breakout --steps 20000
      """)

  @Option(help: "Environment: a name in Environments/ or a path to a .yaml file.")
  var env = "breakout"

  @Option(help: "Agent preset (a name in Agents/ or a path).")
  var agent = "apex"

  @Option(help: "Environment steps per configuration.")
  var steps = 20_000

  @Option(help: "Steps before learning starts in every configuration.")
  var learningStarts = 2_000

  @Option(help: "Environment copies of the --envs row (0: no such row).")
  var envs = 8

  @Option(help: "Actor-thread counts, comma-separated (none: no such rows).")
  var actors = "1,2,4"

  @Option(help: "MPI job sizes P (rank 0 learns, P−1 ranks act), comma-separated (none: no MPI rows).")
  var ranks = "2,3,5"

  @Option(help: "Override a preset key in every configuration, as key=value (repeatable).")
  var set: [String] = []

  @OptionGroup var environments: EnvironmentDirectoryOption

  @OptionGroup var output: JSONOutputOption

  func validate() throws {
    guard steps > learningStarts, learningStarts >= 0 else {
      throw ValidationError("--steps (\(steps)) must exceed --learning-starts (\(learningStarts)), which must be ≥ 0")
    }
    guard (0...4096).contains(envs) else { throw ValidationError("--envs must be between 0 and 4096, got \(envs)") }
    _ = try Self.counts(actors, name: "--actors", minimum: 1)
    _ = try Self.counts(ranks, name: "--ranks", minimum: 2)
  }

  static func counts(_ text: String, name: String, minimum: Int) throws -> [Int] {
    if text == "none" || text.isEmpty { return [] }
    return try text.split(separator: ",").map { part in
      guard let value = Int(part.trimmingCharacters(in: .whitespaces)), (minimum...256).contains(value) else {
        throw ValidationError("\(name) takes numbers from \(minimum) to 256 separated by commas (or none), got '\(part)'")
      }
      return value
    }
  }

  struct Figure: Encodable {
    var name: String
    var steps: Int
    var updates: Int
    var seconds: Double
    var stepsPerSecond: Double { Double(steps) / seconds }
    var updatesPerSecond: Double { Double(updates) / seconds }

    enum CodingKeys: String, CodingKey { case name, steps, updates, seconds, stepsPerSecond = "steps_per_s", updatesPerSecond = "updates_per_s" }
    func encode(to encoder: Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(name, forKey: .name)
      try container.encode(steps, forKey: .steps)
      try container.encode(updates, forKey: .updates)
      try container.encode(seconds, forKey: .seconds)
      try container.encode(stepsPerSecond, forKey: .stepsPerSecond)
      try container.encode(updatesPerSecond, forKey: .updatesPerSecond)
    }
  }

  func run() throws {
    let definition = try environments.resolve(env)
    var preset = try AgentPreset.resolve(agent, environment: definition.name, searchDirectory: AgentPreset.defaultAgentsDirectory())
    try preset.apply(overrides: set)
    let replayRatio = preset.effectiveReplayRatio
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dqn-bench-scale-\(getpid())")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let common = trainArguments(learningStarts: learningStarts)
    let mpirun = Self.findOnPath("mpirun")
    let rankCounts = try Self.counts(ranks, name: "--ranks", minimum: 2)
    if !output.json {
      print("\(definition.name), preset \(agent): \(steps) steps per row, learning from step \(learningStarts), batch \(preset.batchSize), replay ratio \(Self.number(replayRatio)) sampled per collected transition")
      if mpirun == nil && !rankCounts.isEmpty { print("mpirun is not on the PATH: no MPI rows (scripts/setup installs openmpi-bin)") }
      print("| configuration | env steps | updates | seconds | env steps/s | updates/s |")
      print("|---|---|---|---|---|---|")
    }
    var counter = 0
    func measure(_ name: String, executable: URL, arguments: [String]) throws -> Figure {
      counter += 1
      let folder = scratch.appendingPathComponent("run-\(counter)")
      let start = Date()
      try Self.runChild(executable: executable, arguments: arguments + ["--out", folder.path], log: scratch.appendingPathComponent("run-\(counter).log"), name: name)
      let seconds = Date().timeIntervalSince(start)
      let description = try RunFolder(folder).readDescription()
      let figure = Figure(name: name, steps: description.stepsDone, updates: description.updatesDone, seconds: seconds)
      if output.json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        print(String(decoding: try encoder.encode(figure), as: UTF8.self))
      } else {
        print(String(format: "| %@ | %d | %d | %.1f | %.0f | %.1f |", name, figure.steps, figure.updates, figure.seconds, figure.stepsPerSecond, figure.updatesPerSecond))
      }
      return figure
    }
    let dqn = BenchmarkCommand.executable()
    let single = try measure("single loop (envs 1)", executable: dqn, arguments: common)
    if envs > 1 { _ = try measure("envs \(envs)", executable: dqn, arguments: common + ["--envs", String(envs)]) }
    for count in try Self.counts(actors, name: "--actors", minimum: 1) {
      _ = try measure("actors \(count) (threads)", executable: dqn, arguments: common + ["--actors", String(count)])
    }
    if let mpirun {
      for size in rankCounts {
        _ = try measure(
          "MPI -np \(size) (\(size - 1) actor rank\(size > 2 ? "s" : ""))", executable: mpirun,
          arguments: ["--allow-run-as-root", "--oversubscribe", "-np", String(size), dqn.path] + common + ["--distributed"])
      }
    }
    // Acting alone: learning never starts, and ε stays 0.01 so every step runs a forward pass.
    let acting = try measure(
      "acting only (envs 1, ε 0.01)", executable: dqn,
      arguments: trainArguments(learningStarts: steps + 1) + ["--set", "epsilonStart=0.01", "--set", "epsilonEnd=0.01"])
    let actorSeconds = acting.seconds / Double(max(acting.steps, 1))
    let learnerSeconds = max(single.seconds - actorSeconds * Double(single.steps), 1e-9) / Double(max(single.updates, 1))
    let projection = ScalingProjection(actorSecondsPerTransition: actorSeconds, learnerSecondsPerBatch: learnerSeconds, batchSize: preset.batchSize)
    let transitionBytes = definition.frameShape.byteCount + 17
    if output.json {
      print(String(
        format: "{\"name\":\"projection\",\"actor_s_per_transition\":%.9f,\"learner_s_per_batch\":%.9f,\"batch\":%d,\"replay_ratio\":%.4f,\"bytes_per_transition\":%d}",
        actorSeconds, learnerSeconds, preset.batchSize, replayRatio, transitionBytes))
      return
    }
    print("")
    print(String(format: "an actor: %.1f µs per transition (%.0f transitions/s); the learner: %.2f ms per batch of %d (%.1f updates/s)", actorSeconds * 1e6, 1 / actorSeconds, learnerSeconds * 1e3, preset.batchSize, 1 / learnerSeconds))
    for ratio in Array(Set([replayRatio, 8, 4, 1])).sorted(by: >) where ratio > 0 {
      let absorbed = projection.learnerTransitionsPerSecond(replayRatio: ratio)
      let needed = projection.actorsToSaturate(replayRatio: ratio)
      print(String(
        format: "replay ratio %@: one learner absorbs %.0f transitions/s (%.2f MB/s of fragments at %d bytes per transition), which %.2f actor(s) supply",
        Self.number(ratio), absorbed, absorbed * Double(transitionBytes) / 1e6, transitionBytes, needed))
    }
    print(String(format: "256 actors flat out would send %.0f MB/s of fragments", projection.fragmentBandwidth(actors: 256, bytesPerTransition: transitionBytes) / 1e6))
  }

  /// `dqn train` arguments shared by every configuration (the caller adds --out and its own).
  func trainArguments(learningStarts: Int) -> [String] {
    [
      "train", "--env", env, "--agent", agent, "--steps", String(steps), "--set", "evalInterval=0", "--set", "checkpointInterval=0",
      "--set", "learningStarts=\(learningStarts)", "--no-tensorboard", "--quiet",
    ] + set.flatMap { ["--set", $0] } + (environments.directory.map { ["--environments", $0] } ?? [])
  }

  static func number(_ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
  }

  static func findOnPath(_ name: String) -> URL? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
      let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
  }

  static func runChild(executable: URL, arguments: [String], log: URL, name: String) throws {
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    let handle = try FileHandle(forWritingTo: log)
    defer { try? handle.close() }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.standardOutput = handle
    process.standardError = handle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      let text = String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self)
      throw CommandError("\(name): \(executable.lastPathComponent) \(arguments.joined(separator: " ")) exited with status \(process.terminationStatus):\n\(text.suffix(2_000))")
    }
  }
}
