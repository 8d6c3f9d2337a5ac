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

extension AgentPreset {
  /// Every key, in the order `agent.yaml` lists them.
  static var fields: [PresetField] {
    let big = Int.max
    let huge = Float.greatestFiniteMagnitude
    return [
      .choice("network", \.network),
      .flag("dueling", \.dueling),
      .choice("optimizer", \.optimizer),
      .real("learningRate", \.learningRate, 0...huge, excludingLower: true),
      .choice("loss", \.loss),
      .real("maxGradientNorm", \.maxGradientNorm, 0...huge),
      .integer("targetUpdatePeriod", \.targetUpdatePeriod, 1...big),
      .real("targetUpdateRate", \.targetUpdateRate, 0...1),
      .flag("double", \.double),
      .integer("bufferSize", \.bufferSize, 2...big),
      .integer("batchSize", \.batchSize, 1...big),
      .flag("prioritized", \.prioritized),
      .real("priorityExponent", \.priorityExponent, 0...1),
      .real("importanceExponent", \.importanceExponent, 0...1),
      .integer("importanceAnnealSteps", \.importanceAnnealSteps, 1...big),
      .real("priorityEpsilon", \.priorityEpsilon, 0...huge, excludingLower: true),
      .integer("nStep", \.nStep, 1...100),
      .real("discount", \.discount, 0...1),
      .real("rewardClip", \.rewardClip, 0...huge),
      .real("epsilonStart", \.epsilonStart, 0...1),
      .real("epsilonEnd", \.epsilonEnd, 0...1),
      .integer("epsilonDecayStart", \.epsilonDecayStart, 0...big),
      .integer("epsilonDecaySteps", \.epsilonDecaySteps, 1...big),
      .integer("learningStarts", \.learningStarts, 0...big),
      .integer("trainFrequency", \.trainFrequency, 1...big),
      .integer("gradientSteps", \.gradientSteps, 1...big),
      .integer("steps", \.steps, 1...big),
      .integer("evalInterval", \.evalInterval, 0...big),
      .integer("evalEpisodes", \.evalEpisodes, 1...big),
      .real("evalEpsilon", \.evalEpsilon, 0...1),
      .integer("checkpointInterval", \.checkpointInterval, 0...big),
    ]
  }

  /// The preset keys, in order.
  public static var keys: [String] { fields.map(\.key) }

  /// Sets `key` from its text form, as `--set key=value` does.
  ///
  /// - Parameter file: names the source in errors (a file path, or `--set`).
  /// - Throws: `PresetError.unknownKey` or `.invalidValue` naming the key and what is allowed.
  public mutating func set(_ key: String, to text: String, file: String = "--set") throws(PresetError) {
    guard let field = Self.fields.first(where: { $0.key == key }) else {
      throw .unknownKey(file: file, key: key, allowed: Self.keys)
    }
    guard field.assign(&self, text.trimmingCharacters(in: .whitespaces)) else {
      throw .invalidValue(file: file, key: key, value: text, allowed: field.allowed)
    }
  }

  /// Applies `key=value` overrides in order.
  public mutating func apply(overrides: [String]) throws(PresetError) {
    for text in overrides {
      guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
        throw .malformedOverride(text)
      }
      try set(String(text[..<equals]), to: String(text[text.index(after: equals)...]), file: "--set")
    }
    try validate(file: "--set")
  }

  /// The value of `key` as text.
  public func value(of key: String) -> String? {
    Self.fields.first { $0.key == key }?.read(self)
  }

  /// Checks the values that must fit together.
  ///
  /// - Throws: `PresetError.inconsistent` naming the key.
  public func validate(file: String) throws(PresetError) {
    if batchSize > bufferSize {
      throw .inconsistent(file: file, key: "batchSize", message: "batch size \(batchSize) is larger than bufferSize \(bufferSize)")
    }
    if nStep >= bufferSize / 2 {
      throw .inconsistent(file: file, key: "nStep", message: "nStep \(nStep) needs a bufferSize above \(2 * nStep), got \(bufferSize)")
    }
  }
}
