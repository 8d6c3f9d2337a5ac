import Foundation

extension AgentPreset {
  /// Reads and decodes the preset file at `url`.
  public static func load(from url: URL) throws(PresetError) -> AgentPreset {
    let text: String
    do {
      text = try String(contentsOf: url, encoding: .utf8)
    } catch {
      throw .unreadable(file: url.path, message: (error as NSError).localizedDescription)
    }
    return try parse(yaml: text, file: url.path)
  }

  /// Finds a preset: `NAME` → `searchDirectory/NAME.yaml`; a path (ending `.yaml` or holding `/`) → that file.
  public static func resolve(_ nameOrPath: String, searchDirectory: URL) throws(PresetError) -> AgentPreset {
    let isPath = nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml") || nameOrPath.contains("/")
    let url = isPath ? URL(fileURLWithPath: nameOrPath) : searchDirectory.appendingPathComponent(nameOrPath + ".yaml")
    guard FileManager.default.fileExists(atPath: url.path) else {
      if isPath { throw .unreadable(file: nameOrPath, message: "no such file") }
      let files = (try? FileManager.default.contentsOfDirectory(atPath: searchDirectory.path)) ?? []
      let available = files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
      throw .notFound(name: nameOrPath, directory: searchDirectory.path, available: available)
    }
    return try load(from: url)
  }

  /// The default `Agents/` directory: `./Agents` if it exists, else the first `Agents/` walking
  /// up from the running executable, else `./Agents`.
  public static func defaultAgentsDirectory() -> URL {
    let fileManager = FileManager.default
    let current = URL(fileURLWithPath: fileManager.currentDirectoryPath).appendingPathComponent("Agents")
    var isDirectory: ObjCBool = false
    if fileManager.fileExists(atPath: current.path, isDirectory: &isDirectory), isDirectory.boolValue {
      return current
    }
    let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
    var directory = executable.deletingLastPathComponent()
    while directory.path != "/" && !directory.path.isEmpty {
      let candidate = directory.appendingPathComponent("Agents")
      if fileManager.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue {
        return candidate
      }
      directory = directory.deletingLastPathComponent()
    }
    return current
  }
}
