import CKernels
import Foundation

extension Tensor {
  /// Element-wise sum. - Precondition: equal shapes.
  public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
    precondition(lhs.shape == rhs.shape, "Cannot add \(lhs.shape) and \(rhs.shape)")
    var result = lhs
    result.add(rhs)
    return result
  }

  /// Element-wise difference. - Precondition: equal shapes.
  public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
    precondition(lhs.shape == rhs.shape, "Cannot subtract \(rhs.shape) from \(lhs.shape)")
    var result = lhs
    result.add(rhs, scale: -1)
    return result
  }

  /// Every element multiplied by `scale`.
  public static func * (lhs: Tensor, scale: Float) -> Tensor {
    var result = lhs
    result.scale(by: scale)
    return result
  }

  /// Adds `scale · other` element-wise in place (axpy).
  public mutating func add(_ other: Tensor, scale: Float = 1) {
    precondition(count == other.count, "Cannot add \(other.shape) to \(shape)")
    other.withUnsafeBufferPointer { source in
      withUnsafeMutableBufferPointer { target in
        for index in 0..<target.count { target[index] += scale * source[index] }
      }
    }
  }

  /// Adds `other` element-wise in place, split over CKernels' threads (`ckernels_set_threads`) for
  /// large tensors: the same bits as `add(other)` on any count.
  public mutating func addUsingThreads(_ other: Tensor) {
    precondition(count == other.count, "Cannot add \(other.shape) to \(shape)")
    other.withUnsafeBufferPointer { source in
      withUnsafeMutableBufferPointer { target in
        guard let to = target.baseAddress, let from = source.baseAddress else { return }
        ckernels_add(to, from, target.count)
      }
    }
  }

  /// Multiplies every element by `factor` in place.
  public mutating func scale(by factor: Float) {
    withUnsafeMutableBufferPointer { buffer in
      for index in 0..<buffer.count { buffer[index] *= factor }
    }
  }

  /// The sum of all elements.
  public func sum() -> Float {
    withUnsafeBufferPointer { buffer in
      var total: Double = 0
      for value in buffer { total += Double(value) }
      return Float(total)
    }
  }

  /// The sum of squares of all elements.
  ///
  /// Sixteen independent partial sums (one SIMD register's lanes), added together at the end: the
  /// same value on every run and processor, and about ten times as fast as one running sum, whose
  /// every addition waits for the one before (gradient clipping calls this on every update).
  public func squaredNorm() -> Float {
    withUnsafeBufferPointer { buffer in
      let count = buffer.count
      let whole = count & ~15
      var lanes = SIMD16<Float>(repeating: 0)
      if let base = buffer.baseAddress, whole > 0 {
        var index = 0
        while index < whole {
          let chunk = UnsafeRawPointer(base + index).loadUnaligned(as: SIMD16<Float>.self)
          lanes += chunk * chunk
          index += 16
        }
      }
      var total = lanes.sum()
      for index in whole..<count { total += buffer[index] * buffer[index] }
      return total
    }
  }

  /// The index of the largest element of row `row` of a `[N, K]` tensor (the first on ties).
  public func argmax(row: Int) -> Int {
    precondition(rank == 2 && (0..<shape[0]).contains(row), "argmax(row: \(row)) needs [N, K] with N > row, got \(shape)")
    let columns = shape[1]
    return withUnsafeBufferPointer { buffer in
      var best = 0
      var bestValue = buffer[row * columns]
      for column in 1..<max(columns, 1) where buffer[row * columns + column] > bestValue {
        best = column
        bestValue = buffer[row * columns + column]
      }
      return best
    }
  }

  /// The index of the largest element of each row of a `[N, K]` tensor.
  public func argmaxRows() -> [Int] {
    precondition(rank == 2, "argmaxRows needs [N, K], got \(shape)")
    return (0..<shape[0]).map { argmax(row: $0) }
  }

  /// The largest element of each row of a `[N, K]` tensor.
  public func maxRows() -> [Float] {
    precondition(rank == 2, "maxRows needs [N, K], got \(shape)")
    let columns = shape[1]
    return argmaxRows().enumerated().map { row, column in scalars[row * columns + column] }
  }

  /// Whether every element is finite (no NaN or infinity).
  public var isFinite: Bool { scalars.allSatisfy { $0.isFinite } }
}
