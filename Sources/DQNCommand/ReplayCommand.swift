import ArgumentParser
import Foundation
import GridGames
import Viewer

/// `dqn replay`: play a replay back by re-simulating it, checking every frame.
struct ReplayCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "replay",
    abstract: "Play a replay back by re-simulating it; every frame is checked against the recorded hash.",
    discussion: """
      Without options a window shows it (keys as in `dqn watch`). --gif writes an animated GIF and \
      --frames a folder of PNG frames (scaled, with the score drawn in), without a window. \
      --headless only verifies. The first frame that differs from the recording stops playback \
      with an error.
      """)

  @Argument(help: "The replay file (e.g. Replays/catch.replay).")
  var file: String

  @Option(help: "Playback speed: 1 is 10 steps per second.")
  var speed: Double = 1

  @Option(help: "Write an animated GIF here (loops; each frame shows for 1/(10·speed) s).")
  var gif: String?

  @Option(help: "Write one PNG per frame into this folder (frame-000000.png, …).")
  var frames: String?

  @Option(help: "Screen pixels per game pixel (default: the game about 480 pixels tall in the window, 240 in files).")
  var scale: Int?

  @Flag(help: "Only verify: re-simulate without a window and report.")
  var headless = false

  @OptionGroup var harness: WindowHarnessOptions

  func validate() throws {
    guard speed > 0 && speed <= 24 else { throw ValidationError("--speed must be in (0, 24], got \(speed)") }
    if let scale, !(1...64).contains(scale) { throw ValidationError("--scale must be in 1...64, got \(scale)") }
    try harness.validate()
  }

  func run() throws {
    let url = URL(fileURLWithPath: file)
    let recording = try Recording.load(from: url)
    let frameCount = recording.episodes.reduce(0) { $0 + $1.actions.count + 1 }
    print("\(file): \(recording.episodes.count) episodes of \(recording.environment.name) (\(frameCount) frames), "
      + "seed \(recording.seed), \(recording.agent.map { "agent \($0)" } ?? "played by a person")")
    if gif != nil || frames != nil {
      let exporter = RecordingExporter(recording: recording, file: file, scale: scale)
      let delay = max(2, Int((10 / speed).rounded()))
      let summary = try exporter.export(
        gif: gif.map { URL(fileURLWithPath: $0) }, framesDirectory: frames.map { URL(fileURLWithPath: $0) },
        delayCentiseconds: delay)
      for (index, value) in summary.returns.enumerated() { print("episode \(index + 1): return \(PlaybackView.scoreText(value))") }
      if let gif { print("wrote \(gif) (\(summary.frames) frames, \(summary.width)×\(summary.height))") }
      if let frames { print("wrote \(summary.frames) PNG frames to \(frames)") }
      print("verified: every frame matches")
    } else if headless {
      let returns = try recording.verify(file: file) { index, value, length in
        print("episode \(index + 1): return \(PlaybackView.scoreText(value)) (\(length) steps) ok")
      }
      print("verified \(returns.count) episodes, \(frameCount) frames: every frame matches")
    } else {
      let session = try PlaybackSession(
        definition: recording.environment, source: RecordingActionSource(recording: recording, file: file), scheme: .watch,
        stepsPerSecond: 10 * speed)
      session.onEpisodeEnd = printEpisode
      var settings = WindowPlayback.Settings(
        title: "dqn replay — \(url.lastPathComponent) — \(recording.environment.name)",
        scale: scale ?? PlaybackView.defaultScale(frameHeight: session.displayFrame.height),
        episodeTotal: recording.episodes.count)
      try harness.apply(to: &settings)
      try WindowPlayback.run(session, settings: settings)
      print(session.isFinished ? "verified: every frame matches" : "stopped after \(session.returns.count) episodes; the frames shown matched")
    }
  }
}
