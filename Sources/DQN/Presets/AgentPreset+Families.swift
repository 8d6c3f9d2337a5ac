import Foundation

extension AgentPreset {
  /// The agent families `dqn train --agent` and `dqn benchmark --agent` take by name: `dqn` is
  /// the per-game presets `Agents/<game>.yaml`; any other family is a folder of per-game presets,
  /// `Agents/<family>/<game>.yaml` (`rainbow-lite`, `pqn`).
  public static let defaultFamily = "dqn"

  /// Whether `name` names a family: `dqn`, or a folder in `searchDirectory`.
  public static func isFamily(_ name: String, searchDirectory: URL) -> Bool {
    if name == defaultFamily { return true }
    guard !name.contains("/") && !name.hasSuffix(".yaml") && !name.hasSuffix(".yml") else { return false }
    var isDirectory: ObjCBool = false
    let url = searchDirectory.appendingPathComponent(name)
    return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
  }

  /// The families in `searchDirectory`: `dqn` and every folder holding presets (not `runs`,
  /// `trained` or `benchmark`, which hold runs and results).
  public static func families(in searchDirectory: URL) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: searchDirectory.path)) ?? []
    let folders = names.filter { name in
      !["runs", "trained", "benchmark"].contains(name) && isFamily(name, searchDirectory: searchDirectory)
        && ((try? FileManager.default.contentsOfDirectory(atPath: searchDirectory.appendingPathComponent(name).path)) ?? [])
          .contains { $0.hasSuffix(".yaml") }
    }
    return [defaultFamily] + folders.sorted()
  }

  /// The preset file of `family` for the environment `environment`.
  public static func presetFile(family: String, environment: String, searchDirectory: URL) -> URL {
    family == defaultFamily
      ? searchDirectory.appendingPathComponent(environment + ".yaml")
      : searchDirectory.appendingPathComponent(family).appendingPathComponent(environment + ".yaml")
  }

  /// Finds a preset for `environment`: a family name (`dqn`, `rainbow-lite`, `pqn`: that
  /// family's preset for the game), a preset name or a path, as `resolve(_:searchDirectory:)`.
  ///
  /// - Throws: `PresetError.notFound` naming the family's folder and the games it has presets for.
  public static func resolve(
    _ nameOrPath: String, environment: String, searchDirectory: URL
  ) throws(PresetError) -> AgentPreset {
    guard isFamily(nameOrPath, searchDirectory: searchDirectory) else {
      return try resolve(nameOrPath, searchDirectory: searchDirectory)
    }
    let url = presetFile(family: nameOrPath, environment: environment, searchDirectory: searchDirectory)
    guard FileManager.default.fileExists(atPath: url.path) else {
      let folder = url.deletingLastPathComponent()
      let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
      let available = files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
      throw .notFound(name: "\(nameOrPath) for \(environment)", directory: folder.path, available: available)
    }
    return try load(from: url)
  }
}
