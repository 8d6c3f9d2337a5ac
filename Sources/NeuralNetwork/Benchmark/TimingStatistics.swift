import Foundation

/// Median/min/max of repeated timings, in milliseconds.
public struct TimingStatistics: Sendable {
  public var median: Double
  public var minimum: Double
  public var maximum: Double
  public var runs: Int

  /// Times `body` `runs` times after `warmup` untimed calls.
  public static func measure(warmup: Int, runs: Int, _ body: () -> Void) -> TimingStatistics {
    for _ in 0..<warmup { body() }
    var times: [Double] = []
    times.reserveCapacity(runs)
    for _ in 0..<runs {
      let start = DispatchTime.now().uptimeNanoseconds
      body()
      times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    times.sort()
    let median = times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
    return TimingStatistics(median: median, minimum: times.first ?? 0, maximum: times.last ?? 0, runs: runs)
  }
}
