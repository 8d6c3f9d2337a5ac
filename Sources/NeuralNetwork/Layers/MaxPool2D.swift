/// Max pooling over `kernel×kernel` windows; padding counts as −∞.
public final class MaxPool2D: Layer {
  public let window: PoolingWindow
  public var kernelSize: Int { window.kernelSize }
  public var stride: Int { window.stride }
  public var padding: Int { window.padding }
  public var computesInputGradient = true

  private var geometry: WindowGeometry?
  private var argmax: [Int32] = []
  private var trainingOutput = Tensor.empty
  private var inferenceOutput = Tensor.empty
  private var inputGradient = Tensor.empty

  public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
    window = PoolingWindow(kernelSize: kernelSize, stride: stride, padding: padding, layer: "MaxPool2D")
  }

  private func makeGeometry(_ shape: [Int]) -> WindowGeometry { window.geometry(shape) }

  public func outputShape(for inputShape: [Int]) -> [Int] { window.outputShape(for: inputShape) }

  public func forward(_ input: Tensor, training: Bool) -> Tensor {
    precondition(input.rank == 4, "\(self) expects [N, C, H, W], got \(input.shape)")
    let g = makeGeometry(input.shape)
    let outH = g.outputHeight
    let outW = g.outputWidth
    let planes = g.batch * g.channels
    if training {
      geometry = g
      if argmax.count != planes * outH * outW { argmax = [Int32](repeating: 0, count: planes * outH * outW) }
    }
    var output = training ? trainingOutput : inferenceOutput
    if training { trainingOutput = .empty } else { inferenceOutput = .empty }
    output.resize(g.batch, g.channels, outH, outW)
    input.withUnsafeBufferPointer { x in
      output.withUnsafeMutableBufferPointer { y in
        argmax.withUnsafeMutableBufferPointer { indices in
          if g.kernelHeight == 2 && g.kernelWidth == 2 && g.stride == 2 && g.padding == 0 {
            Self.pool2x2(x, y, indices, planes: planes, g, training: training)
            return
          }
          var o = 0
          for plane in 0..<planes {
            let base = plane &* g.height &* g.width
            for oy in 0..<outH {
              for ox in 0..<outW {
                let top = oy &* g.stride &- g.padding
                let left = ox &* g.stride &- g.padding
                // Clip the window to the image once, then a branch-free max over it.
                let y0 = max(top, 0)
                let y1 = min(top &+ g.kernelHeight, g.height)
                let x0 = max(left, 0)
                let x1 = min(left &+ g.kernelWidth, g.width)
                var bestIndex = base &+ y0 &* g.width &+ x0
                var best = x[bestIndex]
                var yy = y0
                while yy < y1 {
                  let row = base &+ yy &* g.width
                  var xx = x0
                  while xx < x1 {
                    let value = x[row &+ xx]
                    let better = value > best
                    best = better ? value : best
                    bestIndex = better ? row &+ xx : bestIndex
                    xx &+= 1
                  }
                  yy &+= 1
                }
                y[o] = best
                if training { indices[o] = Int32(bestIndex) }
                o &+= 1
              }
            }
          }
        }
      }
    }
    if training { trainingOutput = output } else { inferenceOutput = output }
    return output
  }

  /// The common 2×2, stride-2, unpadded case without loops over the window.
  private static func pool2x2(
    _ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>,
    _ indices: UnsafeMutableBufferPointer<Int32>, planes: Int, _ g: WindowGeometry, training: Bool
  ) {
    let outH = g.outputHeight
    let outW = g.outputWidth
    let width = g.width
    var o = 0
    for plane in 0..<planes {
      let base = plane &* g.height &* width
      for oy in 0..<outH {
        let row = base &+ (oy &* 2) &* width
        for ox in 0..<outW {
          let i0 = row &+ ox &* 2
          let i2 = i0 &+ width
          let a = x[i0]
          let b = x[i0 &+ 1]
          let c = x[i2]
          let d = x[i2 &+ 1]
          let top = max(a, b)
          let bottom = max(c, d)
          y[o] = max(top, bottom)
          if training {
            let topIndex = b > a ? i0 &+ 1 : i0
            let bottomIndex = d > c ? i2 &+ 1 : i2
            indices[o] = Int32(truncatingIfNeeded: bottom > top ? bottomIndex : topIndex)
          }
          o &+= 1
        }
      }
    }
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    guard let g = geometry else { preconditionFailure("MaxPool2D.backward called without a training forward") }
    precondition(outputGradient.count == argmax.count, "MaxPool2D.backward got \(outputGradient.shape)")
    geometry = nil
    guard computesInputGradient else { return .empty }
    inputGradient.resize(g.batch, g.channels, g.height, g.width)
    inputGradient.fill(with: 0)
    outputGradient.withUnsafeBufferPointer { dy in
      argmax.withUnsafeBufferPointer { indices in
        inputGradient.withUnsafeMutableBufferPointer { dx in
          for o in 0..<dy.count { dx[Int(indices[o])] += dy[o] }
        }
      }
    }
    return inputGradient
  }

  public var description: String { "MaxPool2D(\(kernelSize), stride \(stride), padding \(padding))" }
}
