import Testing
@testable import DQN

@Suite struct LinearScheduleTests {
  @Test func holdsThenFallsLinearlyThenHolds() {
    let schedule = LinearSchedule(from: 1, to: 0.1, beginStep: 5_000, steps: 100_000)
    #expect(schedule.value(at: 0) == 1)
    #expect(schedule.value(at: 5_000) == 1)
    #expect(abs(schedule.value(at: 55_000) - 0.55) < 1e-6)
    #expect(abs(schedule.value(at: 105_000) - 0.1) < 1e-6)
    #expect(abs(schedule.value(at: 10_000_000) - 0.1) < 1e-6)
  }

  @Test func dependsOnlyOnTheStep() {
    // Defined in steps, not as a fraction of a planned run: the same step gives the same value.
    let schedule = LinearSchedule(from: 1, to: 0.05, steps: 5_000)
    #expect(schedule.value(at: 2_500) == LinearSchedule(from: 1, to: 0.05, steps: 5_000).value(at: 2_500))
    #expect(abs(schedule.value(at: 2_500) - 0.525) < 1e-6)
  }
}
