/// The geometry of a 2-D sliding window (convolution or pooling) over an NCHW batch.
public struct WindowGeometry: Sendable, Equatable {
  public var batch, channels, height, width: Int
  public var kernelHeight, kernelWidth, stride, padding: Int

  public init(
    batch: Int, channels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int,
    stride: Int, padding: Int
  ) {
    precondition(kernelHeight > 0 && kernelWidth > 0 && stride > 0 && padding >= 0,
      "Bad window: kernel \(kernelHeight)×\(kernelWidth), stride \(stride), padding \(padding)")
    self.batch = batch
    self.channels = channels
    self.height = height
    self.width = width
    self.kernelHeight = kernelHeight
    self.kernelWidth = kernelWidth
    self.stride = stride
    self.padding = padding
    precondition(outputHeight > 0 && outputWidth > 0,
      "Window \(kernelHeight)×\(kernelWidth)/\(stride) pad \(padding) does not fit \(height)×\(width)")
  }

  public var outputHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
  public var outputWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
  /// Rows of the column matrix: one per output position, `N·outH·outW`.
  public var columnRows: Int { batch * outputHeight * outputWidth }
  /// Columns of the column matrix: one per kernel tap, `C·kH·kW`.
  public var columnWidth: Int { channels * kernelHeight * kernelWidth }
}

/// Unfolds every sliding window of `input` into one row (the book's `im2col`).
///
/// - Parameters:
///   - input: `[N, C, H, W]` elements.
///   - columns: receives `[N·outH·outW, C·kH·kW]`; taps outside the image (padding) are 0.
public func im2col(
  _ input: UnsafeBufferPointer<Float>, _ geometry: WindowGeometry,
  into columns: UnsafeMutableBufferPointer<Float>
) {
  let g = geometry
  precondition(input.count == g.batch * g.channels * g.height * g.width, "im2col input size")
  precondition(columns.count == g.columnRows * g.columnWidth, "im2col columns size")
  let outH = g.outputHeight
  let outW = g.outputWidth
  let rowWidth = g.columnWidth
  var row = 0
  for n in 0..<g.batch {
    let image = n * g.channels * g.height * g.width
    for oy in 0..<outH {
      for ox in 0..<outW {
        var column = row &* rowWidth
        let top = oy * g.stride - g.padding
        let left = ox * g.stride - g.padding
        for c in 0..<g.channels {
          let plane = image + c * g.height * g.width
          for ky in 0..<g.kernelHeight {
            let y = top + ky
            if y < 0 || y >= g.height {
              for _ in 0..<g.kernelWidth {
                columns[column] = 0
                column &+= 1
              }
              continue
            }
            let line = plane + y * g.width
            for kx in 0..<g.kernelWidth {
              let x = left + kx
              columns[column] = (x >= 0 && x < g.width) ? input[line + x] : 0
              column &+= 1
            }
          }
        }
        row &+= 1
      }
    }
  }
}

/// Folds a column matrix back into an image, summing overlapping taps (the adjoint of `im2col`).
///
/// - Parameters:
///   - columns: `[N·outH·outW, C·kH·kW]`.
///   - output: receives `[N, C, H, W]` (overwritten, not accumulated into).
public func col2im(
  _ columns: UnsafeBufferPointer<Float>, _ geometry: WindowGeometry,
  into output: UnsafeMutableBufferPointer<Float>
) {
  let g = geometry
  precondition(output.count == g.batch * g.channels * g.height * g.width, "col2im output size")
  precondition(columns.count == g.columnRows * g.columnWidth, "col2im columns size")
  for index in 0..<output.count { output[index] = 0 }
  let outH = g.outputHeight
  let outW = g.outputWidth
  let rowWidth = g.columnWidth
  var row = 0
  for n in 0..<g.batch {
    let image = n * g.channels * g.height * g.width
    for oy in 0..<outH {
      for ox in 0..<outW {
        var column = row &* rowWidth
        let top = oy * g.stride - g.padding
        let left = ox * g.stride - g.padding
        for c in 0..<g.channels {
          let plane = image + c * g.height * g.width
          for ky in 0..<g.kernelHeight {
            let y = top + ky
            if y < 0 || y >= g.height {
              column &+= g.kernelWidth
              continue
            }
            let line = plane + y * g.width
            for kx in 0..<g.kernelWidth {
              let x = left + kx
              if x >= 0 && x < g.width { output[line + x] += columns[column] }
              column &+= 1
            }
          }
        }
        row &+= 1
      }
    }
  }
}

extension Tensor {
  /// The column matrix of this `[N, C, H, W]` tensor for a window; see `im2col(_:_:into:)`.
  public func im2col(kernelHeight: Int, kernelWidth: Int, stride: Int = 1, padding: Int = 0)
    -> Tensor
  {
    precondition(rank == 4, "im2col needs [N, C, H, W], got \(shape)")
    let geometry = WindowGeometry(
      batch: shape[0], channels: shape[1], height: shape[2], width: shape[3],
      kernelHeight: kernelHeight, kernelWidth: kernelWidth, stride: stride, padding: padding)
    var result = Tensor(shape: [geometry.columnRows, geometry.columnWidth])
    withUnsafeBufferPointer { input in
      result.withUnsafeMutableBufferPointer { NeuralNetwork.im2col(input, geometry, into: $0) }
    }
    return result
  }
}

/// Unfolds every sliding window of `input` into one *column* (the transpose of `im2col`'s matrix).
///
/// This layout makes the convolution one well-shaped matrix product, `W[F, C·kH·kW] · columns`,
/// and lets stride-1 rows be copied contiguously.
/// - Parameters:
///   - input: `[N, C, H, W]` elements.
///   - columns: receives `[C·kH·kW, N·outH·outW]`; taps outside the image (padding) are 0.
public func im2colTransposed(
  _ input: UnsafeBufferPointer<Float>, _ geometry: WindowGeometry,
  into columns: UnsafeMutableBufferPointer<Float>
) {
  let g = geometry
  precondition(input.count == g.batch * g.channels * g.height * g.width, "im2colTransposed input size")
  precondition(columns.count == g.columnRows * g.columnWidth, "im2colTransposed columns size")
  guard let source = input.baseAddress, let target = columns.baseAddress else { return }
  let outH = g.outputHeight
  let outW = g.outputWidth
  let rowLength = g.columnRows
  let planeSize = g.height * g.width
  let imageSize = g.channels * planeSize
  // Sample by sample, so one image (C·H·W floats) stays in cache while its taps are copied out.
  for n in 0..<g.batch {
    let image = source + n * imageSize
    for c in 0..<g.channels {
      let plane = image + c * planeSize
      for ky in 0..<g.kernelHeight {
        for kx in 0..<g.kernelWidth {
          let row = target + ((c * g.kernelHeight + ky) * g.kernelWidth + kx) * rowLength + n * outH * outW
          // Output columns ox whose tap x = ox·s − p + kx lies inside [0, W).
          let offset = kx - g.padding
          let first = offset >= 0 ? 0 : (-offset + g.stride - 1) / g.stride
          let last = min(outW, (g.width - 1 - offset) / g.stride + 1)  // exclusive
          for oy in 0..<outH {
            let destination = row + oy * outW
            let y = oy * g.stride - g.padding + ky
            if y < 0 || y >= g.height || first >= last {
              destination.update(repeating: 0, count: outW)
              continue
            }
            if first > 0 { destination.update(repeating: 0, count: first) }
            if last < outW { (destination + last).update(repeating: 0, count: outW - last) }
            let line = plane + y * g.width + offset
            if g.stride == 1 {
              // A plain loop: rows are short (often under 10 floats), where a memcpy call costs
              // more than the copy.
              var ox = first
              while ox < last {
                destination[ox] = line[ox]
                ox &+= 1
              }
            } else if kx >= g.stride && first == 0 && last == outW {
              // The row for tap kx is the row for tap kx − stride shifted by one window: copy it
              // (already in cache) and gather only the last element.
              let previous = destination - g.stride * rowLength
              var ox = 0
              while ox < outW &- 1 {
                destination[ox] = previous[ox &+ 1]
                ox &+= 1
              }
              destination[outW &- 1] = line[(outW &- 1) &* g.stride]
            } else {
              // Strided gather, four at a time so the stores are vector stores.
              let stride = g.stride
              var ox = first
              while ox &+ 4 <= last {
                let base = line + ox &* stride
                let four = SIMD4<Float>(base[0], base[stride], base[2 &* stride], base[3 &* stride])
                UnsafeMutableRawPointer(destination + ox).storeBytes(of: four, as: SIMD4<Float>.self)
                ox &+= 4
              }
              while ox < last {
                destination[ox] = line[ox &* stride]
                ox &+= 1
              }
            }
          }
        }
      }
    }
  }
}

/// Folds a transposed column matrix back into an image, summing overlapping taps (the adjoint of
/// `im2colTransposed`).
/// - Parameters:
///   - columns: `[C·kH·kW, N·outH·outW]`.
///   - output: receives `[N, C, H, W]` (overwritten).
public func col2imTransposed(
  _ columns: UnsafeBufferPointer<Float>, _ geometry: WindowGeometry,
  into output: UnsafeMutableBufferPointer<Float>
) {
  let g = geometry
  precondition(output.count == g.batch * g.channels * g.height * g.width, "col2imTransposed output size")
  precondition(columns.count == g.columnRows * g.columnWidth, "col2imTransposed columns size")
  guard let source = columns.baseAddress, let target = output.baseAddress else { return }
  target.update(repeating: 0, count: output.count)
  let outH = g.outputHeight
  let outW = g.outputWidth
  let rowLength = g.columnRows
  let planeSize = g.height * g.width
  let imageSize = g.channels * planeSize
  for n in 0..<g.batch {
    let image = target + n * imageSize
    for c in 0..<g.channels {
      let plane = image + c * planeSize
      for ky in 0..<g.kernelHeight {
        for kx in 0..<g.kernelWidth {
          let row = source + ((c * g.kernelHeight + ky) * g.kernelWidth + kx) * rowLength + n * outH * outW
          let offset = kx - g.padding
          let first = offset >= 0 ? 0 : (-offset + g.stride - 1) / g.stride
          let last = min(outW, (g.width - 1 - offset) / g.stride + 1)
          if first >= last { continue }
          for oy in 0..<outH {
            let y = oy * g.stride - g.padding + ky
            if y < 0 || y >= g.height { continue }
            let from = row + oy * outW
            let line = plane + y * g.width + offset
            var ox = first
            while ox < last {
              line[ox &* g.stride] += from[ox]
              ox &+= 1
            }
          }
        }
      }
    }
  }
}
