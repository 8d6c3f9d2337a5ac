import Foundation

/// An axis range with "nice" tick marks (1, 2 or 5 times a power of ten).
///
/// - Paper: P. S. Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990.
public struct AxisScale: Sendable, Equatable {
  public let lower: Double
  public let upper: Double
  public let tickSpacing: Double

  /// A scale covering `minimum...maximum` with about `targetTicks` ticks.
  public init(minimum: Double, maximum: Double, targetTicks: Int = 6) {
    var low = minimum.isFinite ? minimum : 0
    var high = maximum.isFinite ? maximum : 1
    if high < low { swap(&low, &high) }
    if high - low < 1e-12 {
      let pad = max(abs(low) * 0.1, 1)
      low -= pad
      high += pad
    }
    let spacing = Self.niceNumber((high - low) / Double(max(targetTicks - 1, 1)), round: true)
    tickSpacing = spacing
    lower = (low / spacing).rounded(.down) * spacing
    upper = (high / spacing).rounded(.up) * spacing
  }

  /// The tick values from `lower` to `upper`.
  public var ticks: [Double] {
    let count = Int(((upper - lower) / tickSpacing).rounded()) + 1
    return (0..<max(count, 1)).map { lower + Double($0) * tickSpacing }
  }

  /// Where `value` falls, from 0 (lower) to 1 (upper).
  public func fraction(_ value: Double) -> Double { (value - lower) / (upper - lower) }

  /// A short label: "20k", "1.5M", "0.25", "-3".
  public func label(_ value: Double) -> String {
    let magnitude = max(abs(upper), abs(lower))
    if abs(value) < tickSpacing * 1e-6 { return "0" }
    if magnitude >= 1e6 { return Self.trim(value / 1e6) + "M" }
    if magnitude >= 1e4 { return Self.trim(value / 1e3) + "k" }
    return Self.trim(value)
  }

  private static func trim(_ value: Double) -> String {
    var text = String(format: "%.3f", value)
    while text.contains(".") && (text.hasSuffix("0") || text.hasSuffix(".")) { text.removeLast() }
    return text == "-0" ? "0" : text
  }

  static func niceNumber(_ range: Double, round: Bool) -> Double {
    let exponent = floor(log10(range))
    let fraction = range / pow(10, exponent)
    let nice: Double
    if round {
      nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
    } else {
      nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
    }
    return nice * pow(10, exponent)
  }
}
