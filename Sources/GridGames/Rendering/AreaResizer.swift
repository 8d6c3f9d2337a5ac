/// Resizes `H × W × C` byte images to `h × w × C` by area averaging (each output pixel is the
/// coverage-weighted mean of the input pixels under it), with weights computed once.
struct AreaResizer: Sendable {
  let inputHeight: Int
  let inputWidth: Int
  let outputHeight: Int
  let outputWidth: Int
  let channels: Int
  /// Per output row (and column): the input indices it covers and their weights (summing to 1).
  private let rowTaps: [[(index: Int, weight: Float)]]
  private let columnTaps: [[(index: Int, weight: Float)]]

  init(inputHeight: Int, inputWidth: Int, outputHeight: Int, outputWidth: Int, channels: Int) {
    self.inputHeight = inputHeight
    self.inputWidth = inputWidth
    self.outputHeight = outputHeight
    self.outputWidth = outputWidth
    self.channels = channels
    rowTaps = Self.taps(input: inputHeight, output: outputHeight)
    columnTaps = Self.taps(input: inputWidth, output: outputWidth)
  }

  private static func taps(input: Int, output: Int) -> [[(index: Int, weight: Float)]] {
    let scale = Double(input) / Double(output)
    return (0..<output).map { o in
      let start = Double(o) * scale
      let end = Double(o + 1) * scale
      var taps: [(index: Int, weight: Float)] = []
      var i = Int(start.rounded(.down))
      while Double(i) < end && i < input {
        let overlap = min(end, Double(i + 1)) - max(start, Double(i))
        if overlap > 1e-12 { taps.append((i, Float(overlap / scale))) }
        i += 1
      }
      return taps
    }
  }

  /// Resizes `input` (`inputHeight × inputWidth × channels`) into `output`.
  func resize(_ input: UnsafePointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) {
    for oy in 0..<outputHeight {
      for ox in 0..<outputWidth {
        for c in 0..<channels {
          var sum: Float = 0
          for row in rowTaps[oy] {
            let rowBase = row.index * inputWidth
            for column in columnTaps[ox] {
              sum += row.weight * column.weight * Float(input[(rowBase + column.index) * channels + c])
            }
          }
          output[(oy * outputWidth + ox) * channels + c] = UInt8(min(255, max(0, sum.rounded())))
        }
      }
    }
  }
}
