/// numpy's legacy `RandomState` (MT19937), reproduced for exactly the calls the games make.
///
/// - `init(seed:)` seeds as `numpy.random.RandomState(seed)` does for an integer seed below 2³²
///   (Matsumoto–Nishimura `init_genrand`); a larger seed uses `init_by_array([low32, high32])`,
///   which is `RandomState([low32, high32])`.
/// - `randomSample()` is `rand()` / `random_sample()`: a 53-bit double from two 32-bit draws.
/// - `randomInteger(from:below:)` is `randint(low, high)` with numpy's legacy masked rejection
///   sampling (`use_masked=True`); a range of one value consumes no draws, as in numpy.
///
/// It also conforms to `RandomNumberGenerator`, but games use the numpy-style calls above so
/// that their draws never depend on the Swift standard library's algorithms.
///
/// - Paper: M. Matsumoto and T. Nishimura, "Mersenne Twister", ACM TOMACS 8(1), 1998.
public struct RandomState: RandomNumberGenerator, Sendable, Equatable {
  private static let stateCount = 624
  private var key: [UInt32]
  private var position: Int

  /// Seeds as `numpy.random.RandomState(seed)` (for seeds below 2³²).
  public init(seed: UInt64) {
    if seed <= UInt64(UInt32.max) {
      self.init(genrandSeed: UInt32(seed))
    } else {
      self.init(key: [UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)])
    }
  }

  /// MT19937 `init_genrand`.
  private init(genrandSeed seed: UInt32) {
    var words = [UInt32](repeating: 0, count: Self.stateCount)
    var value = seed
    for index in 0..<Self.stateCount {
      words[index] = value
      value = 1_812_433_253 &* (value ^ (value >> 30)) &+ UInt32(index + 1)
    }
    key = words
    position = Self.stateCount
  }

  /// Seeds as `numpy.random.RandomState(key)` for an array of 32-bit words (`init_by_array`).
  ///
  /// - Precondition: `key` is not empty.
  public init(key initialKey: [UInt32]) {
    precondition(!initialKey.isEmpty, "RandomState(key:) needs at least one word")
    let n = Self.stateCount
    var state = RandomState(genrandSeed: 19_650_218)
    var mt = state.key
    var i = 1
    var j = 0
    for _ in 0..<max(n, initialKey.count) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_664_525)) &+ initialKey[j] &+ UInt32(j)
      i += 1
      j += 1
      if i >= n {
        mt[0] = mt[n - 1]
        i = 1
      }
      if j >= initialKey.count { j = 0 }
    }
    for _ in 0..<(n - 1) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
      i += 1
      if i >= n {
        mt[0] = mt[n - 1]
        i = 1
      }
    }
    mt[0] = 0x8000_0000
    state.key = mt
    state.position = n
    self = state
  }

  /// The next tempered 32-bit output of MT19937.
  public mutating func nextUInt32() -> UInt32 {
    if position >= Self.stateCount { twist() }
    var y = key[position]
    position += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C_5680
    y ^= (y << 15) & 0xEFC6_0000
    y ^= y >> 18
    return y
  }

  /// 64 bits as numpy's `next_uint64` for MT19937: the first draw is the high word.
  public mutating func next() -> UInt64 {
    let high = UInt64(nextUInt32())
    return high << 32 | UInt64(nextUInt32())
  }

  /// A double in [0, 1): numpy's `rand()` / `random_sample()`.
  public mutating func randomSample() -> Double {
    let a = Double(nextUInt32() >> 5)
    let b = Double(nextUInt32() >> 6)
    return (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
  }

  /// An integer in `low..<high`: numpy's `randint(low, high)` (legacy masked rejection).
  ///
  /// - Precondition: `low < high`.
  public mutating func randomInteger(from low: Int, below high: Int) -> Int {
    precondition(low < high, "randomInteger(from: \(low), below: \(high)) needs low < high")
    let range = UInt64(bitPattern: Int64(high - 1 - low))
    if range == 0 { return low }
    var mask = range
    mask |= mask >> 1
    mask |= mask >> 2
    mask |= mask >> 4
    mask |= mask >> 8
    mask |= mask >> 16
    mask |= mask >> 32
    var value: UInt64
    if range <= UInt64(UInt32.max) {
      let mask32 = UInt32(mask)
      repeat { value = UInt64(nextUInt32() & mask32) } while value > range
    } else {
      repeat { value = next() & mask } while value > range
    }
    return low + Int(value)
  }

  /// An integer in `0..<high`: numpy's `randint(high)`.
  public mutating func randomInteger(below high: Int) -> Int {
    randomInteger(from: 0, below: high)
  }

  private mutating func twist() {
    let n = Self.stateCount
    let m = 397
    key.withUnsafeMutableBufferPointer { mt in
      for i in 0..<n {
        let y = (mt[i] & 0x8000_0000) | (mt[(i + 1) % n] & 0x7FFF_FFFF)
        var value = mt[(i + m) % n] ^ (y >> 1)
        if y & 1 != 0 { value ^= 0x9908_B0DF }
        mt[i] = value
      }
    }
    position = 0
  }
}
