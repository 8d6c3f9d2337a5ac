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

extension Kernels {
  @inline(__always)
  static func load(_ pointer: UnsafePointer<Float>, _ i: Int) -> SIMD4<Float> {
    UnsafeRawPointer(pointer + i).loadUnaligned(as: SIMD4<Float>.self)
  }

  @inline(__always)
  static func store(_ value: SIMD4<Float>, _ pointer: UnsafeMutablePointer<Float>, _ i: Int) {
    UnsafeMutableRawPointer(pointer + i).storeBytes(of: value, as: SIMD4<Float>.self)
  }

  /// Moments below this magnitude are set to zero. Without it, moments of parameters whose
  /// gradient stays zero (dead ReLUs) decay geometrically into the subnormal range, where every
  /// multiply costs ~100 cycles: that made Adam a quarter of a whole DQN update.
  static let momentFloor: Float = 1e-30

  @inline(__always)
  static func flushTiny(_ value: SIMD4<Float>) -> SIMD4<Float> {
    let floor = SIMD4<Float>(repeating: momentFloor)
    return value.replacing(with: 0, where: (value .< floor) .& (value .> -floor))
  }

  @inline(__always)
  static func flushTiny(_ value: Float) -> Float {
    abs(value) < momentFloor ? 0 : value
  }

  /// Adam's moment updates and step over `count` elements (vectorised; see `Adam`).
  static func adam(
    gradient g: UnsafePointer<Float>, value w: UnsafeMutablePointer<Float>,
    first m: UnsafeMutablePointer<Float>, second v: UnsafeMutablePointer<Float>, count: Int,
    beta1: Float, beta2: Float, stepSize: Float, rootCorrection2: Float, epsilon: Float
  ) {
    let inverseRoot = 1 / rootCorrection2
    var i = 0
    while i &+ 4 <= count {
      let gi = load(g, i)
      let mi = flushTiny(beta1 * load(m, i) + (1 - beta1) * gi)
      let vi = flushTiny(beta2 * load(v, i) + (1 - beta2) * gi * gi)
      store(mi, m, i)
      store(vi, v, i)
      store(load(w, i) - stepSize * mi / (vi.squareRoot() * inverseRoot + epsilon), w, i)
      i &+= 4
    }
    while i < count {
      let mi = flushTiny(beta1 * m[i] + (1 - beta1) * g[i])
      let vi = flushTiny(beta2 * v[i] + (1 - beta2) * g[i] * g[i])
      m[i] = mi
      v[i] = vi
      w[i] -= stepSize * mi / (vi.squareRoot() * inverseRoot + epsilon)
      i &+= 1
    }
  }

  /// RMSProp's (optionally centered) update over `count` elements (vectorised; see `RMSProp`).
  static func rmsProp(
    gradient g: UnsafePointer<Float>, value w: UnsafeMutablePointer<Float>,
    squareAverage s: UnsafeMutablePointer<Float>, gradientAverage a: UnsafeMutablePointer<Float>,
    count: Int, learningRate: Float, decay: Float, epsilon: Float, centered: Bool
  ) {
    let zero = SIMD4<Float>(repeating: 0)
    var i = 0
    while i &+ 4 <= count {
      let gi = load(g, i)
      let si = flushTiny(decay * load(s, i) + (1 - decay) * gi * gi)
      store(si, s, i)
      var denominator = si
      if centered {
        let ai = flushTiny(decay * load(a, i) + (1 - decay) * gi)
        store(ai, a, i)
        denominator -= ai * ai
      }
      denominator = denominator.replacing(with: zero, where: denominator .< zero)
      store(load(w, i) - learningRate * gi / (denominator.squareRoot() + epsilon), w, i)
      i &+= 4
    }
    while i < count {
      let si = flushTiny(decay * s[i] + (1 - decay) * g[i] * g[i])
      s[i] = si
      var denominator = si
      if centered {
        let ai = flushTiny(decay * a[i] + (1 - decay) * g[i])
        a[i] = ai
        denominator -= ai * ai
      }
      w[i] -= learningRate * g[i] / (max(denominator, 0).squareRoot() + epsilon)
      i &+= 1
    }
  }
}
