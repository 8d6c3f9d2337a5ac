import CKernels

/// A B operand packed once for many of CKernels' products: a layer's weights between two changes.
///
/// Packing the whole matrix apart costs about twice what packing it block by block inside a
/// product does (the packed matrix is written out to memory, not kept in cache), and a product
/// from it reads B from further away, so it pays only for weights that serve many products:
/// `prepare` packs on the third sight of a version and tells the caller to multiply as usual
/// before that. A target network's weights are packed once per copy; an online network's, which
/// change every update, are never packed apart, even when the same weights serve two forwards
/// (Double DQN: packing them on the second sight cost 7% of a rainbow-lite run where multiplying
/// as usual cost 3%).
struct PackedMatrix {
  /// Products with the same version before it is packed apart.
  static let sightsBeforePacking = 2

  private var storage = Tensor.empty
  private var packedVersion = -1
  private var sightings = VersionSightings()
  private var packedLevel = InstructionLevel.generic

  /// Whether this holds B (`[k, n]`, or `[n, k]` when `transposeB`) at `version`, packed for
  /// `level`, for `product`; packs it if this is the third time `version` is asked for.
  mutating func prepare(
    _ b: UnsafeBufferPointer<Float>, transposeB: Bool, k: Int, n: Int, version: Int, level: InstructionLevel
  ) -> Bool {
    if version == packedVersion && level == packedLevel { return true }
    guard sightings.see(version) > Self.sightsBeforePacking else { return false }
    precondition(b.count >= k * n && k * n <= Int(Int32.max), "PackedMatrix: B of \(b.count) for k=\(k) n=\(n)")
    storage.resize(Int(ckernels_packed_b_floats(level.rawValue, Int32(k), Int32(n))))
    storage.withUnsafeMutableBufferPointer {
      ckernels_pack_b(level.rawValue, transposeB ? 1 : 0, Int32(k), Int32(n), b.baseAddress, Int32(transposeB ? k : n), $0.baseAddress)
    }
    packedVersion = version
    packedLevel = level
    return true
  }

  /// `C[m, n] = op(A) · B`, plus `C` when `accumulate`: bit-identical to `MatrixProducts.own` with
  /// the B this holds.
  func product(
    _ a: UnsafeBufferPointer<Float>, transposeA: Bool = false, _ c: UnsafeMutableBufferPointer<Float>,
    m: Int, n: Int, k: Int, accumulate: Bool, aInPlace: Bool = true
  ) {
    precondition(a.count >= m * k && c.count >= m * n && m * k <= Int(Int32.max) && m * n <= Int(Int32.max), "PackedMatrix.product sizes")
    guard m > 0, n > 0 else { return }
    storage.withUnsafeBufferPointer { packed in
      ckernels_sgemm_packed_b(
        packedLevel.rawValue, transposeA ? 1 : 0, Int32(m), Int32(n), Int32(k), a.baseAddress, Int32(transposeA ? m : k),
        packed.baseAddress, MatrixProducts.inPlaceFlags(a: aInPlace), accumulate ? 1 : 0, c.baseAddress, Int32(n))
    }
  }
}

/// How many times in a row one version of a layer's weights has been asked for: what
/// `PackedMatrix` and `VectorProduct` decide to pack by.
struct VersionSightings {
  private var version = -1
  private var count = 0

  /// Counts a sighting of `version` and returns how many there have been since it was new.
  mutating func see(_ version: Int) -> Int {
    if version != self.version {
      self.version = version
      count = 0
    }
    count += 1
    return count
  }
}
