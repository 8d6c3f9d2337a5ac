import ArgumentParser
import Foundation
import GridGames
import Viewer

/// `dqn play`: a person plays an environment with the keyboard.
struct PlayCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "play",
    abstract: "Play an environment yourself with the keyboard (arrows move, space fires).",
    discussion: """
      The panel shows the episode, step, score, your last action and the key map. Other keys: \
      p pause/resume, . one step while paused, +/− speed, r restart the episode, q or Esc quits. \
      With no key down the game's idle action (noop/stay) is taken at each step.
      """)

  @OptionGroup var environment: EnvironmentOption

  @Option(help: "Save what you play as a replay file (e.g. Replays/me.replay).")
  var record: String?

  @Option(help: "Game steps per second (+/− change it while playing).")
  var fps: Double = 6

  @OptionGroup var display: DisplayScaleOption

  @Option(help: "Seed of the episodes (default: 0).")
  var seed: UInt64 = 0

  @Option(help: "Episodes to play before quitting (default: until you quit).")
  var episodes: Int?

  @OptionGroup var harness: WindowHarnessOptions

  func validate() throws {
    guard fps > 0 && fps <= 240 else { throw ValidationError("--fps must be in (0, 240], got \(fps)") }
    if let episodes, episodes <= 0 { throw ValidationError("--episodes must be positive, got \(episodes)") }
  }

  func run() throws {
    let definition = try environment.definition()
    let source = HumanActionSource(actionNames: definition.actionNames, seed: seed)
    let recordURL = record.map { URL(fileURLWithPath: $0) }
    if let recordURL { try checkWritable(recordURL) }
    let recorder = recordURL.map { _ in Recorder(environment: definition, seed: seed, agent: nil) }
    let session = try PlaybackSession(
      definition: definition, source: source, scheme: .play, recorder: recorder, episodeLimit: episodes,
      stepsPerSecond: fps)
    session.onEpisodeEnd = printEpisode
    var settings = WindowPlayback.Settings(
      title: "dqn play — \(definition.name)",
      scale: display.pixels(frameHeight: session.displayFrame.height),
      keyMapLines: source.keyMapLines, episodeTotal: episodes)
    try harness.apply(to: &settings)
    try WindowPlayback.run(session, settings: settings)
    try finish(session, recordURL: recordURL)
  }
}
