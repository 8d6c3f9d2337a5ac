import Foundation
import NeuralNetwork

/// One preset key: its name, what it accepts, and how to read and write it as text.
///
/// The same table serves YAML files, `--set key=value` overrides and the resolved `agent.yaml`
/// of a run, so the three can never disagree about names, types or ranges.
struct PresetField {
  let key: String
  let allowed: String
  /// Parses and stores `text`; false when it is not an allowed value.
  let assign: (inout AgentPreset, String) -> Bool
  let read: (AgentPreset) -> String

  static func integer(
    _ key: String, _ path: WritableKeyPath<AgentPreset, Int>, _ range: ClosedRange<Int>
  ) -> PresetField {
    let allowed = range.upperBound == Int.max ? "an integer ≥ \(range.lowerBound)" : "an integer in \(range.lowerBound)...\(range.upperBound)"
    return PresetField(
      key: key, allowed: allowed,
      assign: { preset, text in
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")), range.contains(value) else { return false }
        preset[keyPath: path] = value
        return true
      },
      read: { String($0[keyPath: path]) })
  }

  static func real(
    _ key: String, _ path: WritableKeyPath<AgentPreset, Float>, _ range: ClosedRange<Float>,
    excludingLower: Bool = false
  ) -> PresetField {
    let lower = excludingLower ? "> \(range.lowerBound)" : "≥ \(range.lowerBound)"
    let allowed = range.upperBound == .greatestFiniteMagnitude ? "a number \(lower)" : "a number \(lower) and ≤ \(range.upperBound)"
    return PresetField(
      key: key, allowed: allowed,
      assign: { preset, text in
        guard let value = Float(text), value.isFinite, range.contains(value),
          !(excludingLower && value == range.lowerBound)
        else { return false }
        preset[keyPath: path] = value
        return true
      },
      read: { "\($0[keyPath: path])" })
  }

  static func flag(_ key: String, _ path: WritableKeyPath<AgentPreset, Bool>) -> PresetField {
    PresetField(
      key: key, allowed: "true or false",
      assign: { preset, text in
        switch text.lowercased() {
        case "true", "yes", "on": preset[keyPath: path] = true
        case "false", "no", "off": preset[keyPath: path] = false
        default: return false
        }
        return true
      },
      read: { $0[keyPath: path] ? "true" : "false" })
  }

  static func choice<T: RawRepresentable & CaseIterable>(
    _ key: String, _ path: WritableKeyPath<AgentPreset, T>
  ) -> PresetField where T.RawValue == String {
    PresetField(
      key: key, allowed: T.allCases.map(\.rawValue).joined(separator: ", "),
      assign: { preset, text in
        guard let value = T(rawValue: text) else { return false }
        preset[keyPath: path] = value
        return true
      },
      read: { $0[keyPath: path].rawValue })
  }
}
