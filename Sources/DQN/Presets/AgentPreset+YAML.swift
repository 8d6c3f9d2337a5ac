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

  /// The preset as a YAML mapping, every key with its value in table order.
  var yamlNode: Node {
    .mapping(Node.Mapping(Self.fields.map { (Node($0.key), Node($0.read(self))) }))
  }

  /// The preset as YAML text (written by Yams), every key with its value, in table order.
  public func yaml() throws -> String {
    try Yams.serialize(node: yamlNode, width: -1)
  }
}
