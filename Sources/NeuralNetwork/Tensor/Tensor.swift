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
  /// The storage keeps its capacity, so a workspace that alternates between sizes (a network
  /// acting on one observation and learning on a batch) allocates only the first time it grows.
  /// The shape is copied element by element when the rank is unchanged, so this tensor never
  /// shares `newShape`'s array: a layer that takes its input's shape would otherwise make the
  /// input's owner copy its shape the next time the batch size changes.
  public mutating func resize(to newShape: [Int]) {
    setCount(newShape.reduce(1, *))
    if shape.count == newShape.count {
      for index in 0..<newShape.count { Self.set(&shape, index, newShape[index]) }
    } else {
      shape = newShape
    }
  }

  private mutating func setCount(_ needed: Int) {
    if needed < scalars.count {
      scalars.removeLast(scalars.count - needed)
    } else if needed > scalars.count {
      scalars.append(contentsOf: repeatElement(0, count: needed - scalars.count))
    }
  }

  /// `resize(to: [count])` without building a shape array when the shape is already that.
  public mutating func resize(_ count: Int) {
    setCount(count)
    if shape.count == 1 { Self.set(&shape, 0, count) } else { shape = [count] }
  }

  /// `resize(to: [rows, columns])` without building a shape array when the shape is already that:
  /// array literals are heap allocations, and layers call this on every step.
  public mutating func resize(_ rows: Int, _ columns: Int) {
    setCount(rows * columns)
    if shape.count == 2 {
      Self.set(&shape, 0, rows)
      Self.set(&shape, 1, columns)
    } else {
      shape = [rows, columns]
    }
  }

  /// `resize(to: [n, c, h, w])` without building a shape array when the shape is already that.
  public mutating func resize(_ n: Int, _ c: Int, _ h: Int, _ w: Int) {
    setCount(n * c * h * w)
    if shape.count == 4 {
      Self.set(&shape, 0, n)
      Self.set(&shape, 1, c)
      Self.set(&shape, 2, h)
      Self.set(&shape, 3, w)
    } else {
      shape = [n, c, h, w]
    }
  }

  /// Writes `dimensions[index] = value` only when it differs: a write to a shared shape array
  /// copies it, and most calls find the shape unchanged.
  @inline(__always)
  private static func set(_ dimensions: inout [Int], _ index: Int, _ value: Int) {
    if dimensions[index] != value { dimensions[index] = value }
  }

  /// Whether the shape is `[rows, columns]`; unlike `shape == [rows, columns]` it allocates nothing.
  @inlinable
  public func hasShape(_ rows: Int, _ columns: Int) -> Bool {
    shape.count == 2 && shape[0] == rows && shape[1] == columns
  }

  /// Whether the shape is `[n, c, h, w]`, allocating nothing.
  @inlinable
  public func hasShape(_ n: Int, _ c: Int, _ h: Int, _ w: Int) -> Bool {
    shape.count == 4 && shape[0] == n && shape[1] == c && shape[2] == h && shape[3] == w
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
