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
}
