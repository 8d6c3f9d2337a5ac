import CKernels

/// Hints to the processor's caches.
public enum MemoryHints {
  /// Starts loading the cache lines of `bytes` bytes at `address` (a hint: nothing is read, and
  /// nothing happens where the processor has no prefetch instruction).
  public static func prefetch(_ address: UnsafeRawPointer, bytes: Int) {
    ckernels_prefetch(address, bytes)
  }
}
