/// A value that moves linearly from `start` to `end` over `steps` steps beginning at `beginStep`,
/// then stays at `end` (cleanrl's `linear_schedule`, in absolute steps).
public struct LinearSchedule: Sendable, Equatable {
  public var start: Float
  public var end: Float
  public var beginStep: Int
  public var steps: Int

  /// - Precondition: `steps >= 1` and `beginStep >= 0`.
  public init(from start: Float, to end: Float, beginStep: Int = 0, steps: Int) {
    precondition(steps >= 1 && beginStep >= 0, "LinearSchedule needs steps ≥ 1 and beginStep ≥ 0, got \(steps), \(beginStep)")
    self.start = start
    self.end = end
    self.beginStep = beginStep
    self.steps = steps
  }

  /// The value at `step`: `start` before `beginStep`, `end` from `beginStep + steps` on.
  public func value(at step: Int) -> Float {
    let progress = Float(min(max(step - beginStep, 0), steps)) / Float(steps)
    return start + (end - start) * progress
  }
}
