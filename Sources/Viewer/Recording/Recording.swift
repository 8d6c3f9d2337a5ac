import FileIO
import Foundation
import GridGames
import Yams

/// A recorded set of episodes that re-simulates exactly: the environment definition, the seeds,
/// and per episode the actions, the rewards and a hash of every observation frame. On disk it is
/// a `.replay` file (`dqn record` writes one, `dqn replay FILE` plays it back).
///
/// The text is YAML (see `Replays/README.md`):
/// ```
/// format: dqn-replay
/// version: 1
/// seed: 7
/// agent: "Agents/trained/catch"
/// frameHash: fnv1a-64
/// episodeCount: 1
/// environment: |
///   name: catch
///   …
/// episodes:
/// - seed: 9141204372392493127
///   length: 9
///   return: 1
///   end: terminated
///   actions: 1 1 0 2 1 1 1 1 1
///   rewards: 0 0 0 0 0 0 0 0 1
///   frameHashes: 6c3e… (length + 1 hashes: the reset frame, then one per step)
/// ```
public struct Recording: Sendable, Equatable {
  /// The format version this code writes and reads.
  public static let formatVersion = 1
  /// The file's `format:` value.
  public static let formatName = "dqn-replay"

  public var environment: EnvironmentDefinition
  /// The seed the episode seeds were drawn from.
  public var seed: UInt64
  /// The run folder of the agent that played, nil for a person.
  public var agent: String?
  public var episodes: [RecordedEpisode]

  public init(environment: EnvironmentDefinition, seed: UInt64, agent: String?, episodes: [RecordedEpisode] = []) {
    self.environment = environment
    self.seed = seed
    self.agent = agent
    self.episodes = episodes
  }

  // MARK: - Writing

  /// The recording's text (what a `.replay` file holds).
  public func text() throws(ViewerError) -> String {
    let environmentText: String
    do {
      environmentText = try environment.yaml()
    } catch {
      throw .corruptRecording(file: "<replay>", key: "environment", detail: "cannot encode: \(error)")
    }
    var lines = [
      "# A dqn replay: re-simulate it with `dqn replay FILE` (format described in Replays/README.md).",
      "format: \(Self.formatName)",
      "version: \(Self.formatVersion)",
      "seed: \(seed)",
    ]
    if let agent { lines.append("agent: \(Self.quoted(agent))") }
    lines.append("frameHash: fnv1a-64")
    lines.append("episodeCount: \(episodes.count)")
    lines.append("environment: |")
    // Blank lines inside the block are content (a folded maze layout has them), so keep them.
    var environmentLines = environmentText.split(separator: "\n", omittingEmptySubsequences: false)
    while environmentLines.last?.isEmpty == true { environmentLines.removeLast() }
    for line in environmentLines { lines.append(line.isEmpty ? "" : "  " + line) }
    lines.append("episodes:")
    for episode in episodes {
      lines.append("- seed: \(episode.seed)")
      lines.append("  length: \(episode.actions.count)")
      lines.append("  return: \(Self.format(episode.totalReward))")
      lines.append("  end: \(episode.end.rawValue)")
      lines.append("  actions: \"\(episode.actions.map(String.init).joined(separator: " "))\"")
      lines.append("  rewards: \"\(episode.rewards.map(Self.format).joined(separator: " "))\"")
      lines.append("  frameHashes: \"\(episode.frameHashes.map(FrameHash.hex).joined(separator: " "))\"")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Writes the recording to `url`, atomically (`AtomicFile`).
  ///
  /// - Throws: `ViewerError.unwritable` naming the file.
  public func write(to url: URL) throws(ViewerError) {
    let text = try text()
    do {
      try AtomicFile.write(text, to: url)
    } catch {
      throw ViewerError(error)
    }
  }

  /// A number as the recording writes it: whole numbers without ".0" ("3", "-1"), else Swift's
  /// shortest round-trip form ("0.01").
  public static func format(_ value: Float) -> String {
    if value == value.rounded(), abs(value) < 1e9 { return String(Int(value)) }
    return "\(value)"
  }

  /// See `format(_: Float)`.
  public static func format(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return "\(value)"
  }

  private static func quoted(_ text: String) -> String {
    var result = "\""
    for character in text.unicodeScalars {
      switch character {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      default: result.unicodeScalars.append(character)
      }
    }
    return result + "\""
  }

  // MARK: - Reading

  /// Reads and checks a recording file (format, version, completeness; not the frames).
  public static func load(from url: URL) throws(ViewerError) -> Recording {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      throw .unreadableRecording(file: url.path, detail: "no such file")
    }
    guard !isDirectory.boolValue else { throw .unreadableRecording(file: url.path, detail: "it is a directory") }
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw .unreadableRecording(file: url.path, detail: "permission denied")
    }
    return try parse(String(decoding: data, as: UTF8.self), file: url.path)
  }

  /// Decodes a recording's text; `file` names it in errors.
  public static func parse(_ text: String, file: String) throws(ViewerError) -> Recording {
    let node: Node?
    do {
      node = try Yams.compose(yaml: text)
    } catch {
      // A cut in the middle of a quoted list leaves an unterminated scalar.
      if text.hasPrefix("# A dqn replay") || text.contains("format: \(formatName)") {
        throw .truncatedRecording(file: file, detail: "the YAML ends in the middle of a value")
      }
      throw .notARecording(file: file, detail: "not YAML (\("\(error)".split(separator: "\n").first ?? ""))")
    }
    guard let mapping = node?.mapping else {
      throw .notARecording(file: file, detail: "expected a mapping with 'format: \(formatName)'")
    }
    guard let format = mapping["format"]?.string, format == formatName else {
      throw .notARecording(file: file, detail: "it lacks 'format: \(formatName)'")
    }
    guard let versionText = mapping["version"]?.string else {
      throw .truncatedRecording(file: file, detail: "missing key 'version'")
    }
    guard versionText == String(formatVersion) else {
      throw .unsupportedRecordingVersion(file: file, found: versionText, supported: formatVersion)
    }
    func required(_ key: String) throws(ViewerError) -> Node {
      guard let value = mapping[key] else { throw .truncatedRecording(file: file, detail: "missing key '\(key)'") }
      return value
    }
    guard let seed = UInt64(try required("seed").string ?? "") else {
      throw .corruptRecording(file: file, key: "seed", detail: "must be an integer ≥ 0")
    }
    let agent = mapping["agent"]?.string
    if let hash = mapping["frameHash"]?.string, hash != "fnv1a-64" {
      throw .corruptRecording(file: file, key: "frameHash", detail: "unknown hash '\(hash)' (this dqn uses fnv1a-64)")
    }
    guard let episodeCount = Int(try required("episodeCount").string ?? ""), episodeCount >= 0 else {
      throw .corruptRecording(file: file, key: "episodeCount", detail: "must be an integer ≥ 0")
    }
    // Completeness first: a cut file is reported as truncated, not as a broken environment.
    let episodeNodes = mapping["episodes"]?.sequence.map(Array.init) ?? []
    if mapping["episodes"] == nil && episodeCount > 0 {
      throw .truncatedRecording(file: file, detail: "missing key 'episodes'")
    }
    guard episodeNodes.count == episodeCount else {
      throw .truncatedRecording(
        file: file, detail: "episodeCount is \(episodeCount) but the file holds \(episodeNodes.count) episodes")
    }
    guard let environmentText = try required("environment").string else {
      throw .corruptRecording(file: file, key: "environment", detail: "must be the environment definition as a YAML block")
    }
    let environment: EnvironmentDefinition
    do {
      environment = try EnvironmentDefinition.parse(yaml: environmentText, file: file + " (key 'environment')")
    } catch {
      throw .environment(error)
    }
    var episodes: [RecordedEpisode] = []
    for (index, episodeNode) in episodeNodes.enumerated() {
      episodes.append(try RecordedEpisode.parse(episodeNode, index: index, file: file))
    }
    return Recording(environment: environment, seed: seed, agent: agent, episodes: episodes)
  }
}
