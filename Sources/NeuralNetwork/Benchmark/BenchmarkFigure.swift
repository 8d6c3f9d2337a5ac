import Foundation

/// One figure of `dqn bench nn`.
public struct BenchmarkFigure: Sendable {
  public var name: String
  public var timing: TimingStatistics
  /// Floating-point operations per call (matrix products), when meaningful.
  public var flops: Double?

  /// The GFLOP/s the figure could reach at most (the cores it ran on times `PeakThroughput`), when
  /// measured.
  public var peakGigaflops: Double?

  /// GFLOP/s at the median time.
  public var gigaflopsPerSecond: Double? { flops.map { $0 / (timing.median * 1e6) } }

  /// `gigaflopsPerSecond` as a fraction of `peakGigaflops`.
  public var fractionOfPeak: Double? {
    guard let gflops = gigaflopsPerSecond, let peak = peakGigaflops, peak > 0 else { return nil }
    return gflops / peak
  }

  /// One JSON object on one line.
  public var json: String {
    var fields = [
      "\"name\":\"\(name)\"", String(format: "\"ms_median\":%.6f", timing.median),
      String(format: "\"ms_min\":%.6f", timing.minimum), String(format: "\"ms_max\":%.6f", timing.maximum),
      "\"runs\":\(timing.runs)",
    ]
    if let gflops = gigaflopsPerSecond { fields.append(String(format: "\"gflops\":%.2f", gflops)) }
    if let peak = peakGigaflops { fields.append(String(format: "\"peak_gflops\":%.2f", peak)) }
    if let fraction = fractionOfPeak { fields.append(String(format: "\"fraction_of_peak\":%.4f", fraction)) }
    return "{" + fields.joined(separator: ",") + "}"
  }

  /// A human-readable line.
  public var line: String {
    var text = String(format: "%-24@ median %9.4g ms  (min %.4g, max %.4g, %d runs)", name as NSString, timing.median, timing.minimum, timing.maximum, timing.runs)
    if let gflops = gigaflopsPerSecond { text += String(format: "  %6.1f GFLOP/s", gflops) }
    if let fraction = fractionOfPeak { text += String(format: "  %5.1f%% of peak", fraction * 100) }
    return text
  }
}
