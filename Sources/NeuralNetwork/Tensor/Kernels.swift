/// Small branch-free element-wise kernels over raw pointers; written with SIMD so they stay fast
/// on random signs (a branch per element costs a misprediction half the time).
enum Kernels {
  /// `dx[i] = y[i] > 0 ? dy[i] : 0` (ReLU's backward from its output).
  static func reluBackward(
    _ dy: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int
  ) {
    let zero = SIMD4<Float>(repeating: 0)
    var i = 0
    while i &+ 4 <= count {
      let g = UnsafeRawPointer(dy + i).loadUnaligned(as: SIMD4<Float>.self)
      let o = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD4<Float>.self)
      UnsafeMutableRawPointer(dx + i).storeBytes(of: zero.replacing(with: g, where: o .> zero), as: SIMD4<Float>.self)
      i &+= 4
    }
    while i < count {
      dx[i] = y[i] > 0 ? dy[i] : 0
      i &+= 1
    }
  }

  /// `dx[i] = x[i] > 0 ? dy[i] : slope·dy[i]` (LeakyReLU's backward from its input).
  static func leakyReLUBackward(
    _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int,
    slope: Float
  ) {
    let zero = SIMD4<Float>(repeating: 0)
    var i = 0
    while i &+ 4 <= count {
      let g = UnsafeRawPointer(dy + i).loadUnaligned(as: SIMD4<Float>.self)
      let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD4<Float>.self)
      UnsafeMutableRawPointer(dx + i).storeBytes(of: (g * slope).replacing(with: g, where: v .> zero), as: SIMD4<Float>.self)
      i &+= 4
    }
    while i < count {
      dx[i] = x[i] > 0 ? dy[i] : slope * dy[i]
      i &+= 1
    }
  }

  /// Copies `count` floats from `source` to `destination` and returns their sum (eight partial
  /// sums, so the loop vectorises; the order of additions differs from a plain left-to-right sum).
  static func copyAndSum(
    _ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>, count: Int
  ) -> Float {
    var partial = SIMD8<Float>(repeating: 0)
    var i = 0
    while i &+ 8 <= count {
      let v = UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<Float>.self)
      UnsafeMutableRawPointer(destination + i).storeBytes(of: v, as: SIMD8<Float>.self)
      partial += v
      i &+= 8
    }
    var total = partial.sum()
    while i < count {
      let v = source[i]
      destination[i] = v
      total += v
      i &+= 1
    }
    return total
  }

  /// `destination[i] = mask[i] > 0 ? source[i] : 0` (a ReLU's backward from its output) over
  /// `count` floats, returning the sum of what it wrote (eight partial sums, as `copyAndSum`).
  static func copyMaskedAndSum(
    _ source: UnsafePointer<Float>, mask: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>,
    count: Int
  ) -> Float {
    let zero = SIMD8<Float>(repeating: 0)
    var partial = zero
    var i = 0
    while i &+ 8 <= count {
      let v = UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<Float>.self)
      let m = UnsafeRawPointer(mask + i).loadUnaligned(as: SIMD8<Float>.self)
      let kept = zero.replacing(with: v, where: m .> zero)
      UnsafeMutableRawPointer(destination + i).storeBytes(of: kept, as: SIMD8<Float>.self)
      partial += kept
      i &+= 8
    }
    var total = partial.sum()
    while i < count {
      let kept = mask[i] > 0 ? source[i] : 0
      destination[i] = kept
      total += kept
      i &+= 1
    }
    return total
  }
}
