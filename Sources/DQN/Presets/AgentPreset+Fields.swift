import Foundation

extension AgentPreset {
  /// Every key, in the order `agent.yaml` lists them.
  static var fields: [PresetField] {
    let big = Int.max
    let huge = Float.greatestFiniteMagnitude
    return [
      .choice("algorithm", \.algorithm),
      .choice("network", \.network),
      .flag("dueling", \.dueling),
      .choice("optimizer", \.optimizer),
      .real("learningRate", \.learningRate, 0...huge, excludingLower: true),
      .real("adamEpsilon", \.adamEpsilon, 0...huge, excludingLower: true),
      .choice("loss", \.loss),
      .real("maxGradientNorm", \.maxGradientNorm, 0...huge),
      .integer("targetUpdatePeriod", \.targetUpdatePeriod, 1...big),
      .real("targetUpdateRate", \.targetUpdateRate, 0...1),
      .flag("double", \.double),
      .integer("bufferSize", \.bufferSize, 2...(1 << 40)),
      .integer("batchSize", \.batchSize, 1...65_536),
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
      .integer("environments", \.environments, 1...4096),
      .integer("rolloutSteps", \.rolloutSteps, 1...1_000_000),
      .real("lambda", \.lambda, 0...1),
      .integer("epochs", \.epochs, 1...10_000),
      .integer("minibatches", \.minibatches, 1...big),
      .integer("learningRateDecaySteps", \.learningRateDecaySteps, 0...big),
      .integer("steps", \.steps, 1...big),
      .integer("evalInterval", \.evalInterval, 0...big),
      .integer("evalEpisodes", \.evalEpisodes, 1...1_000_000),
      .real("evalEpsilon", \.evalEpsilon, 0...1),
      .integer("checkpointInterval", \.checkpointInterval, 0...big),
      .real("replayRatio", \.replayRatio, 0...huge),
      .integer("weightSyncPeriod", \.weightSyncPeriod, 1...big),
      .integer("fragmentLength", \.fragmentLength, 1...big),
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
}
