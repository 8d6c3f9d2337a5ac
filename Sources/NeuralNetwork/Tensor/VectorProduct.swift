import CKernels

/// A dense layer's batch-1 forward `y += W · x` (`W` row-major `[n, k]`, `y` holding the bias):
/// what a network does when it chooses one action.
///
/// With `FastPaths.vectorProducts`, CKernels' `ckernels_gemv` reads `W` where it is (about 1.5
/// times OpenBLAS's `sgemv` on MinAtar's first dense layer); with `FastPaths.zeroSkipping` as well,
/// weights that serve many such products unchanged (a network that only plays: `dqn eval`,
/// `watch`, an agent before learning starts) are packed once, one row per input, and each product
/// reads only the rows of inputs that are not zero: about half of them after a ReLU, so half the
/// weights stay where they are (`ckernels_gemv_packed`; the Nature network's first dense layer, 6.4
/// MB that come from L3 at every action: 218 → 132 µs). Both give the same bits, for any
/// processor with AVX2 or AVX-512 (their order is Gemv.c's, not `sgemv`'s, nor the batch
/// forward's). Below AVX2, or without the paths, `sgemv`.
final class VectorProduct {
  /// Products with the same weights (version) before they are packed: more than a training run
  /// makes between two updates (4, acting every step and learning every fourth), so that a run
  /// never packs the weights it is about to change, and few enough that an evaluation packs them
  /// at once.
  static let sightsBeforePacking = 8
  /// Smaller products (a last layer of a few actions) are read in place: packing gains nothing there.
  static let smallestPacked = 1 << 16

  private var packed: UnsafeMutableRawPointer?
  private var packedBytes = 0
  private var packedVersion = -1
  private var packedLevel = InstructionLevel.generic
  private var sightings = VersionSightings()
  private var scratch: [UInt64] = []

  deinit { packed?.deallocate() }

  /// `y[n] += W[n, k] · x[k]`. `version` is the weights' (`Parameter.version`): a new one is packed
  /// again after `sightsBeforePacking` products.
  func multiply(
    _ w: UnsafeBufferPointer<Float>, rows n: Int, columns k: Int, version: Int, _ x: UnsafeBufferPointer<Float>,
    _ y: UnsafeMutableBufferPointer<Float>, paths: FastPaths
  ) {
    precondition(w.count >= n * k && x.count >= k && y.count >= n && n * k <= Int(Int32.max), "VectorProduct sizes")
    guard n > 0, k > 0 else { return }
    let level = InstructionLevel.detected
    if paths.contains(.vectorProducts) && level >= .avx2 {
      if paths.contains(.zeroSkipping) && n * k >= Self.smallestPacked && prepare(w, n: n, k: k, version: version, level: level) {
        if scratch.count < ckernels_gemv_scratch_words(Int32(k)) {
          scratch = [UInt64](repeating: 0, count: Int(ckernels_gemv_scratch_words(Int32(k))))
        }
        let done = scratch.withUnsafeMutableBufferPointer { s in
          ckernels_gemv_packed(
            level.rawValue, Int32(n), Int32(k), packed!.assumingMemoryBound(to: Float.self), x.baseAddress, y.baseAddress,
            s.baseAddress)
        }
        if done != 0 { return }
      }
      if ckernels_gemv(level.rawValue, Int32(n), Int32(k), w.baseAddress, x.baseAddress, y.baseAddress) != 0 { return }
    }
    BLAS.gemv(w, rows: n, columns: k, x, y, beta: 1)
  }

  /// Whether the packed copy holds `w` at `version`; packs it on the `sightsBeforePacking + 1`-th
  /// product with that version. Weights that are not all finite are never packed: a zero input
  /// times an infinite weight is NaN, which skipping the row would hide.
  private func prepare(_ w: UnsafeBufferPointer<Float>, n: Int, k: Int, version: Int, level: InstructionLevel) -> Bool {
    if version == packedVersion && level == packedLevel { return true }
    guard sightings.see(version) > Self.sightsBeforePacking, w.allSatisfy(\.isFinite) else { return false }
    let bytes = Int(ckernels_gemv_packed_floats(level.rawValue, Int32(n), Int32(k))) * MemoryLayout<Float>.stride
    guard bytes > 0 else { return false }
    if bytes > packedBytes {
      packed?.deallocate()
      packed = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
      packedBytes = bytes
    }
    guard ckernels_pack_gemv(level.rawValue, Int32(n), Int32(k), w.baseAddress, packed!.assumingMemoryBound(to: Float.self)) != 0
    else { return false }
    packedVersion = version
    packedLevel = level
    return true
  }
}
