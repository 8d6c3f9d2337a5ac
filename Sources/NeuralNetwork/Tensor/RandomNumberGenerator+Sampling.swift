import Foundation

extension RandomNumberGenerator {
  /// A uniform `Float` in [0, 1) with 24 random bits.
  public mutating func nextUniform() -> Float {
    Float(next() >> 40) * 0x1p-24
  }

  /// A uniform `Double` in [0, 1) with 53 random bits.
  public mutating func nextUniformDouble() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  /// A standard normal sample (Box–Muller; one of the pair is discarded so the state stays simple).
  public mutating func nextGaussian() -> Float {
    let u1 = max(nextUniformDouble(), 1e-300)
    let u2 = nextUniformDouble()
    return Float((-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
  }

  /// A uniform integer in `0..<bound` (Lemire's multiply-shift; bias below 2⁻³² for small bounds).
  public mutating func nextInt(below bound: Int) -> Int {
    precondition(bound > 0, "nextInt(below:) needs a positive bound, got \(bound)")
    return Int((UInt64(UInt32(truncatingIfNeeded: next() >> 32)) &* UInt64(bound)) >> 32)
  }

  /// Shuffles `array` in place (Fisher–Yates) with this generator.
  public mutating func shuffle<T>(_ array: inout [T]) {
    guard array.count > 1 else { return }
    for index in stride(from: array.count - 1, to: 0, by: -1) {
      let other = nextInt(below: index + 1)
      array.swapAt(index, other)
    }
  }
}
