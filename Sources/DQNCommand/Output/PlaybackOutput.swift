import Foundation
import Viewer

// What `play`, `watch` and `record` print as each episode ends, and what `play` and `watch` print
// and save when the playback stops.

/// Prints `episode 1: return 3 (42 steps)`.
func printEpisode(_ index: Int, _ episodeReturn: Double, _ length: Int) {
  print("episode \(index + 1): return \(PlaybackView.scoreText(episodeReturn)) (\(length) steps)")
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
