import Foundation
import Testing
import NeuralNetwork
@testable import DQN

/// `--agent dqn | rainbow-lite | pqn`: a family maps a game to its preset file.
@Suite struct AgentFamilyTests {
  static var agents: URL { AgentPresetTests.agentsDirectory }
  static let minAtar = ["breakout", "freeway", "asterix", "seaquest", "space-invaders"]

  @Test func dqnIsTheTopLevelPerGamePreset() throws {
    let viaFamily = try AgentPreset.resolve("dqn", environment: "breakout", searchDirectory: Self.agents)
    #expect(viaFamily == (try AgentPreset.resolve("breakout", searchDirectory: Self.agents)))
    #expect(viaFamily.algorithm == .dqn)
  }

  @Test func everyFamilyHasAPresetForEveryMinAtarGame() throws {
    #expect(AgentPreset.families(in: Self.agents) == ["dqn", "pqn", "rainbow-lite"])
    for family in ["dqn", "rainbow-lite", "pqn"] {
      for game in Self.minAtar {
        let preset = try AgentPreset.resolve(family, environment: game, searchDirectory: Self.agents)
        #expect(preset.algorithm == (family == "pqn" ? .pqn : .dqn), "\(family)/\(game)")
      }
    }
  }

  @Test func rainbowLiteIsDoubleDuelingPrioritizedThreeStepAdam() throws {
    let preset = try AgentPreset.resolve("rainbow-lite", environment: "seaquest", searchDirectory: Self.agents)
    #expect(preset.double && preset.dueling && preset.prioritized && preset.nStep == 3)
    #expect(preset.optimizer == .adam)
    #expect(preset.learningRate == 1e-4)
    #expect(preset.adamEpsilon == 3.125e-4)
    #expect(preset.bufferSize == 100_000 && preset.batchSize == 32)
    #expect(preset.targetUpdatePeriod == 1_000)
    #expect(preset.trainFrequency == 4 && preset.steps == 5_000_000)
    // The builder hands Adam its ε.
    let optimizer = DQNAgentBuilder.optimizer(preset: preset)
    #expect((optimizer as? Adam)?.epsilon == 3.125e-4)
  }

  @Test func pqnIsPurejaxqlsMinAtarSettings() throws {
    let preset = try AgentPreset.resolve("pqn", environment: "asterix", searchDirectory: Self.agents)
    #expect(preset.algorithm == .pqn && preset.network == .minatarLayerNorm)
    #expect(preset.environments == 128 && preset.rolloutSteps == 32)
    #expect(preset.lambda == 0.65)
    #expect(preset.epochs == 2 && preset.minibatches == 32)
    #expect(preset.learningRate == 5e-4)
    #expect(preset.discount == 0.99)
    #expect(preset.steps == 10_000_000 && preset.learningRateDecaySteps == 10_000_000)
  }

  @Test func aFamilyWithoutTheGameSaysWhichGamesItHas() {
    do {
      _ = try AgentPreset.resolve("rainbow-lite", environment: "maze", searchDirectory: Self.agents)
      Issue.record("expected an error")
    } catch {
      guard case .notFound(let name, let directory, let available) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(name == "rainbow-lite for maze" && directory.hasSuffix("rainbow-lite"))
      #expect(available == ["asterix", "breakout", "freeway", "seaquest", "space-invaders"])
    }
  }

  @Test func pqnMinibatchesMustDivideTheBatch() {
    #expect(throws: PresetError.self) {
      try AgentPreset.parse(yaml: "algorithm: pqn\nenvironments: 10\nrolloutSteps: 3\nminibatches: 4\n", file: "p.yaml")
    }
  }
}
