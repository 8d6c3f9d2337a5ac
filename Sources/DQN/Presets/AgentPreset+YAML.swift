import Foundation
import Yams

extension AgentPreset {
  /// Decodes a preset from YAML text: a mapping of preset keys to scalars; unset keys keep their defaults.
  ///
  /// - Parameter file: names the source in error messages.
  /// - Throws: `PresetError` naming the file, the key and the allowed values.
  public static func parse(yaml text: String, file: String) throws(PresetError) -> AgentPreset {
    let node: Node?
    do {
      node = try Yams.compose(yaml: text)
    } catch {
      throw .malformedYAML(file: file, message: "\(error)".replacingOccurrences(of: "\n", with: " "))
    }
    guard let node else { return AgentPreset() }
    return try parse(node: node, file: file)
  }

  /// Decodes a preset from a YAML mapping node.
  static func parse(node: Node, file: String) throws(PresetError) -> AgentPreset {
    guard let mapping = node.mapping else {
      throw .malformedYAML(file: file, message: "the top level must be a mapping of keys to values (learningRate: 0.001, …)")
    }
    var preset = AgentPreset()
    for (keyNode, valueNode) in mapping {
      guard let key = keyNode.string else {
        throw .malformedYAML(file: file, message: "keys must be plain names")
      }
      guard let scalar = valueNode.scalar else {
        guard keys.contains(key) else { throw .unknownKey(file: file, key: key, allowed: keys) }
        let kind = valueNode.sequence != nil ? "a list" : "a mapping"
        let allowed = fields.first { $0.key == key }?.allowed ?? ""
        throw .invalidValue(file: file, key: key, value: kind, allowed: allowed)
      }
      try preset.set(key, to: scalar.string, file: file)
    }
    try preset.validate(file: file)
    return preset
  }

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

  /// The preset as YAML, every key with its value, in table order.
  public var yaml: String {
    Self.fields.map { "\($0.key): \($0.read(self))" }.joined(separator: "\n") + "\n"
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
