import Testing
@testable import GridGames

@Suite struct VectorEnvironmentTests {
  @Test func terminalFramesAndStatisticsAreReportedBeforeReset() throws {
    let definition = EnvironmentDefinition.defaults(for: Catch.self)
    var vector = try VectorEnvironment(definition: definition, count: 3)
    let first = vector.reset(seed: 10)
    #expect(first.count == 3)
    // Each environment i starts like a single one seeded with 10 + i.
    for index in 0..<3 {
      var single = try definition.makeEnvironment()
      #expect(single.reset(seed: 10 + UInt64(index)) == first[index])
    }
    var last: VectorStep?
    for _ in 0..<9 { last = vector.step([1, 1, 1]) }
    let step = try #require(last)
    #expect(step.steps.allSatisfy { $0.terminated })
    #expect(step.episodes.allSatisfy { $0?.length == 9 && abs($0?.totalReward ?? 0) == 1 })
    #expect(step.resetFrames.allSatisfy { $0 != nil })
    #expect(step.nextFrames[0] == step.resetFrames[0])
    // The reset used the next seed for environment 0: 10 + 0 + 1·3.
    var reseeded = try definition.makeEnvironment()
    #expect(reseeded.reset(seed: 13) == step.resetFrames[0])
    // Stepping continues in the new episodes.
    let next = vector.step([0, 1, 2])
    #expect(next.steps.allSatisfy { !$0.isEpisodeOver })
  }

  @Test func terminalFrameEqualsTheSingleEnvironmentsTerminalFrame() throws {
    let definition = EnvironmentDefinition.defaults(for: Catch.self)
    var vector = try VectorEnvironment(definition: definition, count: 2)
    _ = vector.reset(seed: 0)
    var single = try definition.makeEnvironment()
    _ = single.reset(seed: 0)
    var singleStep: Step?
    var vectorStep: VectorStep?
    for _ in 0..<9 {
      singleStep = single.step(2)
      vectorStep = vector.step([2, 0])
    }
    #expect(vectorStep?.steps[0].frame == singleStep?.frame)
    #expect(vectorStep?.steps[0].terminated == true)
  }
}
