import ArgumentParser
import DQN
import Foundation
import GridGames
import NeuralNetwork
import Viewer

/// `dqn watch`: a trained agent plays in a window, with its Q-values beside the game.
struct WatchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "watch",
    abstract: "Watch a trained agent play in a window, with a bar per action showing its Q-values.",
    discussion: """
      Keys: space pause/resume, → or . one step while paused, +/− speed, r restart the episode,
      q or Esc (or closing the window) quits. Each episode's return is printed too.
      --headless plays without a window (for machines with no display); with --record it saves a
      replay that `dqn replay` re-simulates frame for frame.
      """)

  @Option(help: "The run folder of a trained agent (holds agent.yaml and weights.safetensors).")
  var agent: String

  @Option(help: "Environment: a name in Environments/ or a .yaml path (default: the one the agent was trained on).")
  var env: String?

  @Option(help: "Episodes to play before quitting (default 10).")
  var episodes = 10

  @Option(help: "Environment steps per second (default 15; +/− change it while watching).")
  var fps: Double = 15

  @Option(help: "Screen pixels per game pixel (default: the game about 480 pixels tall).")
  var scale: Int?

  @Option(help: "Probability of a random action (default: the preset's evalEpsilon, usually 0.01).")
  var epsilon: Float?

  @Option(help: "Seed of the episodes and the random actions (default 0).")
  var seed: UInt64 = 0

  @Option(help: "Also save what is played as a replay file (e.g. Replays/catch.replay).")
  var record: String?

  @Option(help: "Which weights: best (best.safetensors, the default when present) or latest (weights.safetensors).")
  var weights: WeightsPreference = .best

  @Flag(help: "Play without a window and only print the returns (and --record).")
  var headless = false

  @OptionGroup var harness: WindowHarnessOptions

  func validate() throws {
    guard episodes > 0 else { throw ValidationError("--episodes must be positive, got \(episodes)") }
    guard fps > 0 && fps <= 240 else { throw ValidationError("--fps must be in (0, 240], got \(fps)") }
    if let scale, !(1...64).contains(scale) { throw ValidationError("--scale must be in 1...64, got \(scale)") }
    if let epsilon, !(0...1).contains(epsilon) { throw ValidationError("--epsilon must be in 0...1, got \(epsilon)") }
    try harness.validate()
  }

  func run() throws {
    BLAS.setThreadCount(1)
    let trained = try TrainedAgent(folder: URL(fileURLWithPath: agent), preferBest: weights == .best)
    let definition = try env.map(resolveEnvironment) ?? trained.environment
    let source = try AgentActionSource(
      agent: trained, environment: definition, epsilon: epsilon ?? trained.description.preset.evalEpsilon, seed: seed)
    let recordURL = record.map { URL(fileURLWithPath: $0) }
    if let recordURL { try checkWritable(recordURL) }
    let recorder = recordURL.map { _ in Recorder(environment: definition, seed: seed, agent: agent) }
    let session = try PlaybackSession(
      definition: definition, source: source, scheme: .watch, recorder: recorder, episodeLimit: episodes,
      stepsPerSecond: fps, rendersDisplay: !headless)
    session.onEpisodeEnd = printEpisode
    print("watching \(trained.name) (\(trained.weightsFile.lastPathComponent)) play \(definition.name)")
    if headless {
      try session.runToEnd()
    } else {
      var settings = WindowPlayback.Settings(
        title: "dqn watch — \(definition.name) — \(trained.name)",
        scale: scale ?? PlaybackView.defaultScale(frameHeight: session.displayFrame.height), episodeTotal: episodes)
      try harness.apply(to: &settings)
      try WindowPlayback.run(session, settings: settings)
    }
    try finish(session, recordURL: recordURL)
  }
}

/// Which weights of a run to load.
enum WeightsPreference: String, ExpressibleByArgument, CaseIterable {
  case best, latest
}

/// Prints `episode 1: return 3 (42 steps)`.
func printEpisode(_ index: Int, _ episodeReturn: Double, _ length: Int) {
  print("episode \(index + 1): return \(PlaybackView.scoreText(episodeReturn)) (\(length) steps)")
}

/// Resolves `--env` in `Environments/`.
func resolveEnvironment(_ name: String) throws -> EnvironmentDefinition {
  try EnvironmentDefinition.resolve(name, searchDirectory: EnvironmentCatalog.defaultEnvironmentsDirectory())
}

/// Fails early, before anything is played, when `url` cannot be written.
func checkWritable(_ url: URL) throws {
  let directory = url.deletingLastPathComponent().path
  var isDirectory: ObjCBool = false
  guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
    throw ViewerError.unwritable(file: url.path, detail: "the folder \(directory) does not exist")
  }
  guard FileManager.default.isWritableFile(atPath: directory) else {
    throw ViewerError.unwritable(file: url.path, detail: "the folder \(directory) is not writable")
  }
}

/// Prints the summary and writes the recording, if any.
func finish(_ session: PlaybackSession, recordURL: URL?) throws {
  let returns = session.returns
  if !returns.isEmpty {
    let mean = returns.reduce(0, +) / Double(returns.count)
    print(String(format: "mean return %.2f over %d episodes", mean, returns.count))
  }
  if let recordURL, let recording = session.finishRecording() {
    try recording.write(to: recordURL)
    print("recorded \(recording.episodes.count) episodes to \(recordURL.path)")
  }
}

/// Options for driving a window without a person (tests, CI screenshots, demos). Hidden from help.
struct WindowHarnessOptions: ParsableArguments {
  @Option(help: .hidden) var maxFrames: Int?
  @Option(help: .hidden) var keys: String?
  @Option(help: .hidden) var screenshot: String?
  @Flag(help: .hidden) var unpaced = false
  @Flag(help: .hidden) var softwareRenderer = false

  func validate() throws {
    if let maxFrames, maxFrames <= 0 { throw ValidationError("--max-frames must be positive, got \(maxFrames)") }
  }

  func apply(to settings: inout WindowPlayback.Settings) throws {
    settings.maxFrames = maxFrames
    settings.keyScript = try keys.map { try ScriptedEventSource(parsing: $0) }
    settings.screenshot = screenshot.map { URL(fileURLWithPath: $0) }
    settings.paced = !unpaced
    settings.software = softwareRenderer
  }
}
