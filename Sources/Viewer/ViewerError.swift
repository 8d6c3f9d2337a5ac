import DQN
import FileIO
import Foundation
import GridGames

/// A problem a user can cause while watching, playing, recording, replaying or plotting.
///
/// Every case names the file or option at fault, so the message alone says what to fix.
public enum ViewerError: Error, CustomStringConvertible, LocalizedError {
  /// The recording (a `.replay` file) cannot be read at all.
  case unreadableRecording(file: String, detail: String)
  /// The file is not a recording (wrong `format:`, not YAML).
  case notARecording(file: String, detail: String)
  /// The recording was written by another format version.
  case unsupportedRecordingVersion(file: String, found: String, supported: Int)
  /// The recording ends early (an episode or a field is missing or cut short).
  case truncatedRecording(file: String, detail: String)
  /// A field of the recording holds a value that cannot be read.
  case corruptRecording(file: String, key: String, detail: String)
  /// Re-simulation produced another frame than the one recorded.
  case frameMismatch(file: String, episode: Int, step: Int, expected: UInt64, found: UInt64)
  /// Re-simulation produced another reward than the one recorded.
  case rewardMismatch(file: String, episode: Int, step: Int, expected: Float, found: Float)
  /// The episode ended at another step than recorded.
  case episodeEndMismatch(file: String, episode: Int, detail: String)
  /// An environment definition problem (also an unknown game inside a recording).
  case environment(EnvironmentError)
  /// The `--agent` folder is not a usable run.
  case agent(TrainingError)
  /// The agent's network cannot take the chosen environment's observations or actions.
  case agentDoesNotFit(agent: String, environment: String, detail: String)
  /// There is no display to open a window on.
  case noDisplay(detail: String)
  /// An SDL call failed.
  case sdl(call: String, message: String)
  /// No usable TrueType font.
  case fontMissing(searched: [String])
  /// An output file or folder cannot be written.
  case unwritable(file: String, detail: String)
  /// A run folder has no usable metrics for `dqn plot`.
  case noMetrics(file: String, detail: String)
  /// A bad value for a command-line option.
  case invalidOption(option: String, detail: String)

  public var description: String {
    switch self {
    case .unreadableRecording(let file, let detail): "\(file): cannot read the replay: \(detail)"
    case .notARecording(let file, let detail): "\(file) is not a dqn replay: \(detail)"
    case .unsupportedRecordingVersion(let file, let found, let supported):
      "\(file): replay format version \(found) is not supported (this dqn reads version \(supported))"
    case .truncatedRecording(let file, let detail): "\(file): the replay is truncated: \(detail)"
    case .corruptRecording(let file, let key, let detail): "\(file): key '\(key)': \(detail)"
    case .frameMismatch(let file, let episode, let step, let expected, let found):
      "\(file): episode \(episode + 1), step \(step): the re-simulated frame does not match the recorded hash "
        + "(recorded \(FrameHash.hex(expected)), got \(FrameHash.hex(found))); the replay was altered or the game changed"
    case .rewardMismatch(let file, let episode, let step, let expected, let found):
      "\(file): episode \(episode + 1), step \(step): the re-simulated reward \(found) differs from the recorded \(expected); "
        + "the replay was altered or the game changed"
    case .episodeEndMismatch(let file, let episode, let detail):
      "\(file): episode \(episode + 1): \(detail); the replay was altered or the game changed"
    case .environment(let error): error.description
    case .agent(let error): error.description
    case .agentDoesNotFit(let agent, let environment, let detail):
      "the agent in \(agent) does not fit the environment '\(environment)': \(detail)"
    case .noDisplay(let detail):
      "no display available: \(detail) (run under X11 or `xvfb-run -a`, set SDL_VIDEODRIVER=offscreen, or pass --headless)"
    case .sdl(let call, let message): "SDL: \(call) failed: \(message)"
    case .fontMissing(let searched):
      "no TrueType font found (looked for \(searched.joined(separator: ", "))); install fonts-dejavu-core or set DQN_FONT=/path/to/font.ttf"
    case .unwritable(let file, let detail): "cannot write \(file): \(detail)"
    case .noMetrics(let file, let detail): "\(file): \(detail)"
    case .invalidOption(let option, let detail): "\(option): \(detail)"
    }
  }

  public var errorDescription: String? { description }
}

extension ViewerError {
  /// `unwritable` for a file `AtomicFile` could not write.
  public init(_ error: FileWriteError) {
    self = .unwritable(file: error.file, detail: error.detail)
  }
}
