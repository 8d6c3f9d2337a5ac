import GridGames
import Testing
@testable import DQN

@Suite struct ObservationStackTests {
  static func frame(_ value: UInt8) -> Frame { Frame(height: 1, width: 2, channels: 1, pixels: [value, value]) }

  @Test func repeatsTheFirstFrameThenShiftsOldestFirst() {
    var stack = ObservationStack(frameShape: FrameShape(height: 1, width: 2, channels: 1), depth: 3)
    stack.reset(with: Self.frame(10))
    #expect(stack.observation.shape == [1, 3, 1, 2])
    #expect(stack.observation.scalars.map { Int(($0 * 255).rounded()) } == [10, 10, 10, 10, 10, 10])
    stack.push(Self.frame(20))
    stack.push(Self.frame(30))
    #expect(stack.observation.scalars.map { Int(($0 * 255).rounded()) } == [10, 10, 20, 20, 30, 30])
    stack.push(Self.frame(40))
    #expect(stack.observation.scalars.map { Int(($0 * 255).rounded()) } == [20, 20, 30, 30, 40, 40])
  }
}
