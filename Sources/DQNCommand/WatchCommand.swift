import ArgumentParser
import DQN
import Foundation
import GridGames
import Viewer

/// `dqn watch`: a trained agent plays in a window, with its Q-values beside the game.
struct WatchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "watch",
    abstract: "Watch a trained agent play in a window, with a bar per action showing its Q-values.",
    discussion: """
      Keys: space pause/resume, → or . one step while paused, +/− speed, r restart the episode, \
      q or Esc (or closing the window) quits. Each episode's return is printed too. \
      --headless plays without a window (for machines with no display); with --record it saves a \
      replay that `dqn replay` re-simulates frame for frame.
      """)

  /// Watching plays 10 episodes unless told otherwise.
  enum Episodes: DefaultEpisodeCount {
    static let episodes = 10
  }

  @OptionGroup var trained: TrainedAgentOptions

  @OptionGroup var environment: AgentEnvironmentOption

  @OptionGroup var count: EpisodeCountOption<Episodes>

  @Option(help: "Environment steps per second (+/− change it while watching).")
  var fps: Double = 15

  @OptionGroup var display: DisplayScaleOption

  @Option(help: "Also save what is played as a replay file (e.g. Replays/catch.replay).")
  var record: String?

  @Flag(help: "Play without a window and only print the returns (and --record).")
  var headless = false

  @OptionGroup var harness: WindowHarnessOptions

  func validate() throws {
    guard fps > 0 && fps <= 240 else { throw ValidationError("--fps must be in (0, 240], got \(fps)") }
  }

  func run() throws {
    let agent = try TrainedAgent(folder: trained.folder, preferBest: trained.prefersBest)
    let definition = try environment.definition(trainedOn: agent.environment)
    let source = try AgentActionSource(
      agent: agent, environment: definition, epsilon: trained.epsilon(default: agent.description.preset),
      seed: trained.seed)
    let recordURL = record.map { URL(fileURLWithPath: $0) }
    if let recordURL { try checkWritable(recordURL) }
    let recorder = recordURL.map { _ in Recorder(environment: definition, seed: trained.seed, agent: trained.agent) }
    let session = try PlaybackSession(
      definition: definition, source: source, scheme: .watch, recorder: recorder, episodeLimit: count.episodes,
      stepsPerSecond: fps, rendersDisplay: !headless)
    session.onEpisodeEnd = printEpisode
    print("watching \(agent.name) (\(agent.weightsFile.lastPathComponent)) play \(definition.name)")
    if headless {
      try session.runToEnd()
    } else {
      var settings = WindowPlayback.Settings(
        title: "dqn watch — \(definition.name) — \(agent.name)",
        scale: display.pixels(frameHeight: session.displayFrame.height), episodeTotal: count.episodes)
      try harness.apply(to: &settings)
      try WindowPlayback.run(session, settings: settings)
    }
    try finish(session, recordURL: recordURL)
  }
}
