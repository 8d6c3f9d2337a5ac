import Foundation
import Testing
@testable import DQN

@Suite struct AgentPresetTests {
  static var agentsDirectory: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Agents")
  }

  @Test func everyShippedPresetParses() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.agentsDirectory.path).filter { $0.hasSuffix(".yaml") }
    #expect(files.count >= 8)
    for file in files {
      _ = try AgentPreset.load(from: Self.agentsDirectory.appendingPathComponent(file))
    }
  }

  @Test func minatarPresetsFollowMinAtarsRecipe() throws {
    let preset = try AgentPreset.resolve("breakout", searchDirectory: Self.agentsDirectory)
    #expect(preset.network == .minatar && preset.optimizer == .centeredRMSProp && preset.learningRate == 2.5e-4)
    #expect(preset.bufferSize == 100_000 && preset.batchSize == 32 && preset.targetUpdatePeriod == 1_000)
    #expect(preset.epsilonEnd == 0.1 && preset.epsilonDecaySteps == 100_000 && preset.learningStarts == 5_000)
    #expect(preset.trainFrequency == 1 && preset.discount == 0.99)
  }

  @Test func unsetKeysKeepDefaultsAndYAMLRoundTrips() throws {
    let preset = try AgentPreset.parse(yaml: "learningRate: 0.0005\ndueling: true\nnetwork: minatar\n", file: "p.yaml")
    #expect(preset.learningRate == 0.0005 && preset.dueling && preset.network == .minatar)
    #expect(preset.batchSize == AgentPreset().batchSize)
    #expect(try AgentPreset.parse(yaml: try preset.yaml(), file: "round.yaml") == preset)
  }

  @Test func unknownKeyNamesFileKeyAndAllowedKeys() {
    #expect(throws: PresetError.unknownKey(file: "p.yaml", key: "learningrate", allowed: AgentPreset.keys)) {
      try AgentPreset.parse(yaml: "learningrate: 0.1\n", file: "p.yaml")
    }
  }

  @Test func wrongTypesAndRangesAreRejected() throws {
    let cases: [(String, String)] = [
      ("learningRate: -0.001\n", "learningRate"), ("learningRate: fast\n", "learningRate"),
      ("batchSize: 3.5\n", "batchSize"), ("dueling: maybe\n", "dueling"), ("network: resnet\n", "network"),
      ("discount: 1.5\n", "discount"), ("bufferSize: [1, 2]\n", "bufferSize"),
    ]
    for (text, key) in cases {
      do {
        _ = try AgentPreset.parse(yaml: text, file: "bad.yaml")
        Issue.record("accepted \(text)")
      } catch {
        guard case .invalidValue(let file, let badKey, _, let allowed) = error else {
          Issue.record("\(text): \(error)")
          continue
        }
        #expect(file == "bad.yaml" && badKey == key && !allowed.isEmpty)
        #expect(error.description.contains("bad.yaml") && error.description.contains(key))
      }
    }
  }

  @Test func batchLargerThanBufferIsRejected() {
    #expect(throws: PresetError.self) {
      try AgentPreset.parse(yaml: "bufferSize: 100\nbatchSize: 128\n", file: "p.yaml")
    }
  }

  @Test func overridesSetKeysAndRejectUnknownOnes() throws {
    var preset = AgentPreset()
    try preset.apply(overrides: ["learningRate=0.01", "nStep=3", "optimizer=centered-rmsprop"])
    #expect(preset.learningRate == 0.01 && preset.nStep == 3 && preset.optimizer == .centeredRMSProp)
    #expect(throws: PresetError.unknownKey(file: "--set", key: "gamma", allowed: AgentPreset.keys)) {
      try preset.apply(overrides: ["gamma=0.9"])
    }
    #expect(throws: PresetError.malformedOverride("learningRate")) { try preset.apply(overrides: ["learningRate"]) }
    do {
      try preset.apply(overrides: ["optimizer=adamw"])
      Issue.record("accepted adamw")
    } catch {
      #expect(error.description.contains("adam, centered-rmsprop") || error.description.contains("centered-rmsprop"))
    }
  }

  @Test func missingPresetListsTheAvailableOnes() {
    do {
      _ = try AgentPreset.resolve("no-such-game", searchDirectory: Self.agentsDirectory)
      Issue.record("found a missing preset")
    } catch {
      guard case .notFound(_, _, let available) = error else { Issue.record("\(error)"); return }
      #expect(available.contains("catch"))
    }
  }
}
