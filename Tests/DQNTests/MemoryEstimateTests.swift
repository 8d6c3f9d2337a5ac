import GridGames
import NeuralNetwork
import Testing
@testable import DQN

/// Sizes are checked against the machine before anything is allocated.
@Suite struct MemoryEstimateTests {
  static let catchFrame = FrameShape(height: 10, width: 5, channels: 1)

  @Test func theEstimateCountsEachPart() throws {
    var preset = AgentPreset()
    preset.network = .small
    preset.bufferSize = 1000
    preset.batchSize = 32
    preset.prioritized = true
    let estimate = DQNAgentBuilder.memoryEstimate(preset: preset, frameShape: Self.catchFrame, stackDepth: 2, actionCount: 3)
    // Replay: 1000 × (50 bytes + 9) + 1000 × 16 for priorities.
    #expect(estimate.parts[0].bytes == 1000 * 59 + 16_000)
    // The small network's parameters, counted without building it, match the built network.
    let network = try QNetworkBuilder.make(.small, dueling: false, inputShape: [2, 10, 5], actionCount: 3, seed: 1)
    let parameters = network.parameters.reduce(0) { $0 + $1.value.count }
    #expect(estimate.parts[1].bytes == parameters * 20)
    for kind in NetworkKind.allCases {
      for dueling in [false, true] {
        let built = try QNetworkBuilder.make(kind, dueling: dueling, inputShape: [4, 84, 84], actionCount: 6, seed: 1)
        let counted = QNetworkBuilder.sizes(kind, dueling: dueling, inputShape: [4, 84, 84], actionCount: 6).parameters
        #expect(Int(counted) == built.parameters.reduce(0) { $0 + $1.value.count }, "\(kind) dueling \(dueling)")
      }
    }
    #expect(estimate.totalBytes < 10 << 20)
    try estimate.check("catch", available: 1 << 30)
  }

  @Test func sizesBeyondAnyMachineAreRefusedWithTheEstimate() {
    var replay = AgentPreset()
    replay.bufferSize = 100_000_000_000
    var observation = AgentPreset()
    observation.network = .nature
    let cases: [(AgentPreset, FrameShape, Int, String)] = [
      (replay, Self.catchFrame, 1, "replay of 100000000000 frames"),
      // A 1024×1024 observation of 64 stacked frames, on the Nature network.
      (observation, FrameShape(height: 1024, width: 1024, channels: 1), 64, "two networks of"),
    ]
    for (preset, frame, stack, part) in cases {
      let estimate = DQNAgentBuilder.memoryEstimate(preset: preset, frameShape: frame, stackDepth: stack, actionCount: 6)
      #expect(throws: MemoryError.self) { try estimate.check("the preset", available: 16 << 30) }
      do {
        try estimate.check("the preset", available: 16 << 30)
      } catch {
        #expect(error.description.contains(part) && error.description.contains("16.0 GiB available"), "\(error)")
      }
    }
  }

  @Test func presetCapsRefuseAbsurdSizesByName() {
    var preset = AgentPreset()
    #expect(throws: PresetError.self) { try preset.set("batchSize", to: "20000000") }
    #expect(throws: PresetError.self) { try preset.set("evalEpisodes", to: "2000000000") }
    #expect(throws: PresetError.self) { try preset.set("bufferSize", to: "\(Int.max)") }
    #expect(MemoryEstimate.format(Int.max) == "more than 8 EiB")
    var huge = MemoryEstimate()
    huge.add("a", count: Int.max, bytesEach: 2)
    huge.add("b", bytes: 1e300)
    #expect(huge.totalBytes == Int.max)
  }
}
