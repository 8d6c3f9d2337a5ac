import ArgumentParser

/// The number of episodes a command plays when `--episodes` is not given.
protocol DefaultEpisodeCount {
  static var episodes: Int { get }
}

/// `--episodes N`: how many episodes to play, a positive count defaulting to `Default.episodes`.
struct EpisodeCountOption<Default: DefaultEpisodeCount>: ParsableArguments {
  @Option(help: "Episodes to play.")
  var episodes: Int = Default.episodes

  func validate() throws {
    guard episodes > 0 else { throw ValidationError("--episodes must be positive, got \(episodes)") }
  }
}
