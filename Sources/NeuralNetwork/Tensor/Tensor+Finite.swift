extension Tensor {
  /// The first element that is NaN or infinite, with its index; nil when all are finite.
  public var firstNonFinite: (index: Int, value: Float)? {
    withUnsafeBufferPointer { buffer in
      for (index, value) in buffer.enumerated() where !value.isFinite { return (index, value) }
      return nil
    }
  }
}
