import ArgumentParser
import Viewer

/// `--scale N`: screen pixels per game pixel in a playback window (`play`, `watch`).
struct DisplayScaleOption: ParsableArguments {
  @Option(help: "Screen pixels per game pixel (default: the game about 480 pixels tall).")
  var scale: Int?

  func validate() throws {
    if let scale, !(1...64).contains(scale) { throw ValidationError("--scale must be in 1...64, got \(scale)") }
  }

  /// `--scale`, or the scale that makes frames of `frameHeight` pixels about 480 pixels tall.
  func pixels(frameHeight: Int) -> Int {
    scale ?? PlaybackView.defaultScale(frameHeight: frameHeight)
  }
}
