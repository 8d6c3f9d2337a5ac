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

  @Test func risesAsWellAsFalls() {
    // Prioritized replay's β climbs from 0.4 to 1.
    let schedule = LinearSchedule(from: 0.4, to: 1, steps: 100)
    #expect(abs(schedule.value(at: 50) - 0.7) < 1e-6)
    #expect(schedule.value(at: 100) == 1)
    #expect(schedule.value(at: 1_000) == 1)
  }
}
