import CKernels
import Testing

@testable import NeuralNetwork

/// One plane copied (0 where `mask` is given and not > 0) and summed in Kernels.c's order: eight
/// lane sums over whole groups of eight from +0, added in lane order from -0, then the rest.
private func copyAndSum(_ source: UnsafePointer<Float>, mask: UnsafePointer<Float>?, _ destination: UnsafeMutablePointer<Float>, count: Int) -> Float {
  var lanes = [Float](repeating: 0, count: 8)
  let whole = count / 8 * 8
  for i in 0..<count {
    let v = mask.map { $0[i] > 0 ? source[i] : 0 } ?? source[i]
    destination[i] = v
    if i < whole { lanes[i % 8] += v }
  }
  var sum: Float = -0.0
  for lane in lanes { sum += lane }
  for i in whole..<count { sum += destination[i] }
  return sum
}

@Suite struct RowsGradientTests {
  /// CKernels' convolution rows gradient gives the documented order's bits at every level (the
  /// bits of the Swift loop it replaced): rows [F, N, P] from [N, F, P], masked where the ReLU's
  /// output is not > 0 (NaN, 0 and -0 included), each filter's planes summed from +0 onto its bias
  /// gradient.
  @Test func matchesSwiftLoop() {
    var rng = SplitMix64(seed: 5)
    for (filters, batch, plane) in [(16, 32, 64), (1, 1, 1), (3, 2, 7), (5, 3, 8), (4, 2, 9), (17, 5, 65), (2, 4, 400), (32, 2, 17)] {
      let count = filters * batch * plane
      let dy = (0..<count).map { i -> Float in
        switch i % 11 { case 3: 0; case 5: -0.0; default: Float(rng.nextUniform() * 2 - 1) * 1e3 }
      }
      let mask = (0..<count).map { i -> Float in
        switch i % 13 { case 2: .nan; case 4: 0; case 6: -0.0; default: Float(rng.nextUniform() * 2 - 1) }
      }
      let bias0 = (0..<filters).map { _ in Float(rng.nextUniform()) }
      for useMask in [true, false] {
        var expectedRows = [Float](repeating: 0, count: count)
        var expectedBias = bias0
        dy.withUnsafeBufferPointer { d in
          mask.withUnsafeBufferPointer { y in
            expectedRows.withUnsafeMutableBufferPointer { dr in
              for f in 0..<filters {
                var total: Float = 0
                for n in 0..<batch {
                  let source = (n * filters + f) * plane
                  let target = (f * batch + n) * plane
                  total += copyAndSum(
                    d.baseAddress! + source, mask: useMask ? y.baseAddress! + source : nil, dr.baseAddress! + target, count: plane)
                }
                expectedBias[f] += total
              }
            }
          }
        }
        for level in InstructionLevel.supported {
          var rows = [Float](repeating: 7, count: count)
          var bias = bias0
          dy.withUnsafeBufferPointer { d in
            mask.withUnsafeBufferPointer { y in
              ckernels_convolution_rows_gradient(level.rawValue, d.baseAddress, useMask ? y.baseAddress : nil, &rows, &bias, filters, batch, plane)
            }
          }
          #expect(rows.map(\.bitPattern) == expectedRows.map(\.bitPattern), "rows \(filters)×\(batch)×\(plane) mask \(useMask) \(level)")
          #expect(bias.map(\.bitPattern) == expectedBias.map(\.bitPattern), "bias \(filters)×\(batch)×\(plane) mask \(useMask) \(level)")
        }
      }
    }
  }
}
