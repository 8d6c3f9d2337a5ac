/// An n-dimensional array of `Float` with copy-on-write value semantics; images are laid out NCHW.
///
/// Storage is a contiguous `[Float]`, so copying a tensor is cheap until one copy is written.
/// Layers keep their output tensors and overwrite them on the next call: when nobody else holds the
/// old output, the write happens in place and the training step allocates nothing.
public struct Tensor: Sendable, Equatable {
  /// The extent of each dimension, outermost first (`[N, C, H, W]` for images).
  public private(set) var shape: [Int]
  /// The elements in row-major order.
  public var scalars: [Float]

  /// Creates a tensor of `shape` filled with `value`.
  public init(shape: [Int], repeating value: Float = 0) {
    precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape must be non-negative, got \(shape)")
    self.shape = shape
    self.scalars = [Float](repeating: value, count: shape.reduce(1, *))
  }

  /// Creates a tensor of `shape` holding `scalars` in row-major order.
  public init(shape: [Int], scalars: [Float]) {
    precondition(
      shape.reduce(1, *) == scalars.count,
      "Tensor shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
    self.shape = shape
    self.scalars = scalars
  }

  /// An empty tensor, used as a placeholder for caches that hold nothing yet.
  public static let empty = Tensor(shape: [0])

  /// The number of elements.
  public var count: Int { scalars.count }
  /// The number of dimensions.
  public var rank: Int { shape.count }
  /// The extent of the first (batch) dimension.
  public var batchSize: Int { shape.first ?? 1 }

  /// The element at `index` in row-major order.
  public subscript(flat index: Int) -> Float {
    get { scalars[index] }
    set { scalars[index] = newValue }
  }

  /// The element at a multi-dimensional index.
  public subscript(_ indices: Int...) -> Float {
    get { scalars[offset(of: indices)] }
    set { scalars[offset(of: indices)] = newValue }
  }

  private func offset(of indices: [Int]) -> Int {
    precondition(indices.count == shape.count, "Index \(indices) does not fit shape \(shape)")
    var offset = 0
    for (index, extent) in zip(indices, shape) {
      precondition(0 <= index && index < extent, "Index \(indices) out of range for shape \(shape)")
      offset = offset * extent + index
    }
    return offset
  }

  /// Changes the shape in place, keeping the elements.
  ///
  /// - Precondition: the new shape has as many elements as the old one.
  public mutating func reshape(to newShape: [Int]) {
    precondition(
      newShape.reduce(1, *) == count, "Cannot reshape \(shape) (\(count) scalars) to \(newShape)")
    shape = newShape
  }

  /// Returns a tensor with the same elements and a new shape.
  public func reshaped(to newShape: [Int]) -> Tensor {
    var result = self
    result.reshape(to: newShape)
    return result
  }

  /// Makes this tensor have `newShape`, reusing the storage when the element count is unchanged.
  ///
  /// The contents are unspecified afterwards: callers overwrite every element. This is how layers
  /// reuse their workspaces between calls without allocating.
  public mutating func resize(to newShape: [Int]) {
    let needed = newShape.reduce(1, *)
    if needed != scalars.count {
      scalars = [Float](repeating: 0, count: needed)
    }
    shape = newShape
  }

  /// Sets every element to `value`.
  public mutating func fill(with value: Float) {
    scalars.withUnsafeMutableBufferPointer { buffer in
      for index in buffer.indices { buffer[index] = value }
    }
  }

  /// Calls `body` with a pointer to the elements.
  @inlinable
  public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows
    -> R
  {
    try scalars.withUnsafeBufferPointer(body)
  }

  /// Calls `body` with a mutable pointer to the elements (copying first if the storage is shared).
  @inlinable
  public mutating func withUnsafeMutableBufferPointer<R>(
    _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    try scalars.withUnsafeMutableBufferPointer(body)
  }
}

extension Tensor: CustomStringConvertible {
  public var description: String {
    let preview = scalars.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
    return "Tensor(shape: \(shape), [\(preview)\(count > 8 ? ", …" : "")])"
  }
}
