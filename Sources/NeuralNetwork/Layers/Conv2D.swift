import CKernels

/// A 2-D convolution computed as im2col plus one matrix product (the book's `Convolution`).
///
/// The column matrix is kept transposed, `[C·kH·kW, N·outH·outW]`, so the product is
/// `W · columns` (a better shape for BLAS than the book's `columns · Wᵀ`) and stride-1 windows are
/// contiguous copies. With `FastPaths.implicitConvolution` and `.implicitWeightGradient` (the
/// default on processors with AVX2) the forward product and the weight gradient are the same
/// products with the column matrix packed straight from the image (`ImplicitConvolution`), and the
/// training forward keeps its input instead of the column matrix; with `.groupedInputGradient` the
/// input gradient is formed a few samples at a time.
///
/// Weights are `[filters, channels, kH, kW]` (PyTorch's layout); input `[N, C, H, W]`,
/// output `[N, filters, outH, outW]`.
///
/// Built with `activation: .relu`, the layer is a convolution followed by a ReLU in one: the
/// forward applies max(·, 0) while adding the bias (one pass over the output instead of two) and
/// the backward masks the incoming gradient by the output's sign while permuting it. Outputs and
/// gradients equal those of a plain `Conv2D` followed by `Activation.relu`, and the parameter
/// names are the same, so weights saved from either load into the other.
public final class Conv2D: Layer {
  /// What the layer applies to each output after adding the bias.
  public enum OutputActivation: Sendable, Equatable {
    /// The output is the convolution plus the bias.
    case identity
    /// The output is max(convolution + bias, 0).
    case relu
  }

  public let inputChannels: Int
  public let filters: Int
  public let kernelHeight: Int
  public let kernelWidth: Int
  public let stride: Int
  public let padding: Int
  public let name: String
  public let weight: Parameter
  public let bias: Parameter
  public var computesInputGradient = true
  /// What is applied to each output after the bias; fixed when the layer is built.
  public let activation: OutputActivation
  /// How the products are computed: `FastPaths.standard` when the layer was built.
  public var fastPaths = FastPaths.standard

  private var geometry: WindowGeometry?
  private var trainingInput = Tensor.empty  // with the implicit weight gradient
  private var trainingColumns = Tensor.empty  // without it
  private var inferenceColumns = Tensor.empty
  private var rowsOutput = Tensor.empty  // [filters, N·outH·outW]
  private var trainingOutput = Tensor.empty
  private var inferenceOutput = Tensor.empty
  private var rowsGradient = Tensor.empty
  private var columnsGradient = Tensor.empty
  private var inputGradient = Tensor.empty
  /// The direct convolution's weights as its tiles read them, packed from `weight` at
  /// `directWeightsVersion` (-1: not yet): packed once for a target network's many forwards or a
  /// network that only acts (at batch 1, the Nature network's three convolutions 10 µs of 180).
  private var directWeights = Tensor.empty
  private var directWeightsVersion = -1

  /// - Parameters:
  ///   - inputChannels: `C` of the input.
  ///   - filters: output channels.
  ///   - kernelSize: square kernel side (use `kernelHeight:kernelWidth:` init for others).
  ///   - activation: `.relu` builds the convolution and a ReLU as one layer.
  ///   - name: parameter prefix (`conv1` gives `conv1.weight`, `conv1.bias`).
  public convenience init<G: RandomNumberGenerator>(
    inputChannels: Int, filters: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
    activation: OutputActivation = .identity, name: String, initializer: Initializer = .he,
    using rng: inout G
  ) {
    self.init(
      inputChannels: inputChannels, filters: filters, kernelHeight: kernelSize,
      kernelWidth: kernelSize, stride: stride, padding: padding, activation: activation, name: name,
      initializer: initializer, using: &rng)
  }

  public init<G: RandomNumberGenerator>(
    inputChannels: Int, filters: Int, kernelHeight: Int, kernelWidth: Int, stride: Int = 1,
    padding: Int = 0, activation: OutputActivation = .identity, name: String,
    initializer: Initializer = .he, using rng: inout G
  ) {
    precondition(
      inputChannels > 0 && filters > 0 && kernelHeight > 0 && kernelWidth > 0 && stride > 0
        && padding >= 0,
      "Bad Conv2D: \(inputChannels)→\(filters), kernel \(kernelHeight)×\(kernelWidth), stride \(stride), padding \(padding)")
    self.inputChannels = inputChannels
    self.filters = filters
    self.kernelHeight = kernelHeight
    self.kernelWidth = kernelWidth
    self.stride = stride
    self.padding = padding
    self.activation = activation
    self.name = name
    let fanIn = inputChannels * kernelHeight * kernelWidth
    weight = Parameter(
      name: "\(name).weight",
      value: initializer.makeWeights(
        shape: [filters, inputChannels, kernelHeight, kernelWidth], fanIn: fanIn, using: &rng))
    bias = Parameter(name: "\(name).bias", value: Tensor(shape: [filters]), decays: false)
  }

  public var parameters: [Parameter] { [weight, bias] }

  private func makeGeometry(_ shape: [Int]) -> WindowGeometry {
    WindowGeometry(
      batch: shape[0], channels: shape[1], height: shape[2], width: shape[3],
      kernelHeight: kernelHeight, kernelWidth: kernelWidth, stride: stride, padding: padding)
  }

  public func outputShape(for inputShape: [Int]) -> [Int] {
    precondition(inputShape.count == 3 && inputShape[0] == inputChannels, "\(self) expects [\(inputChannels), H, W], got \(inputShape)")
    let g = makeGeometry([1] + inputShape)
    return [filters, g.outputHeight, g.outputWidth]
  }

  public func forward(_ input: Tensor, training: Bool) -> Tensor {
    precondition(
      input.rank == 4 && input.shape[1] == inputChannels,
      "\(self) expects [N, \(inputChannels), H, W], got \(input.shape)")
    let g = makeGeometry(input.shape)
    let fits = ImplicitConvolution.fits(g)
    let implicit = fits && fastPaths.contains(.implicitConvolution)
    if training {
      geometry = g
      let keepsInput = fits && fastPaths.contains(.implicitWeightGradient)
      trainingInput = keepsInput ? input : .empty
      if keepsInput {
        if implicit {
          convolve(input, g, columns: nil, output: &trainingOutput)
          return trainingOutput
        }
      }
      unfold(input, g, into: &trainingColumns)
      convolve(input, g, columns: trainingColumns, output: &trainingOutput)
      return trainingOutput
    }
    if implicit {
      convolve(input, g, columns: nil, output: &inferenceOutput)
    } else {
      unfold(input, g, into: &inferenceColumns)
      convolve(input, g, columns: inferenceColumns, output: &inferenceOutput)
    }
    return inferenceOutput
  }

  /// `columns = im2colTransposed(input)`.
  private func unfold(_ input: Tensor, _ g: WindowGeometry, into columns: inout Tensor) {
    columns.resize(g.columnWidth, g.columnRows)
    input.withUnsafeBufferPointer { x in
      columns.withUnsafeMutableBufferPointer { NeuralNetwork.im2colTransposed(x, g, into: $0) }
    }
  }

  /// `y[F, N·outH·outW] = W · columns`, or the implicit product from `input` when `columns` is nil.
  private func multiply(
    _ input: Tensor, _ g: WindowGeometry, columns: Tensor?, into y: UnsafeMutableBufferPointer<Float>
  ) {
    let filters = filters
    let paths = fastPaths
    weight.value.withUnsafeBufferPointer { w in
      if let columns {
        columns.withUnsafeBufferPointer { col in
          MatrixProducts.gemm(w, col, y, m: filters, n: g.columnRows, k: g.columnWidth, paths: paths)
        }
      } else {
        input.withUnsafeBufferPointer { x in
          ImplicitConvolution.forward(
            weights: w, filters: filters, input: x, g, into: y, spaceToDepth: paths.contains(.spaceToDepth),
            aInPlace: paths.contains(.inPlaceA))
        }
      }
    }
  }

  private func convolve(
    _ input: Tensor, _ g: WindowGeometry, columns: Tensor?, output: inout Tensor
  ) {
    let rows = g.columnRows
    let filters = filters
    let plane = g.outputHeight * g.outputWidth
    let appliesReLU = activation == .relu
    output.resize(g.batch, filters, g.outputHeight, g.outputWidth)
    if columns == nil && fastPaths.contains(.directConvolution) {
      let packedCount = ImplicitConvolution.directPackedFloats(filters: filters, taps: g.columnWidth)
      if directWeights.count != packedCount { directWeights.resize(packedCount) }  // CKernels notes what it holds
      let version = weight.version
      let unchanged = directWeightsVersion == version
      let done = weight.value.withUnsafeBufferPointer { w in
        bias.value.withUnsafeBufferPointer { b in
          input.withUnsafeBufferPointer { x in
            directWeights.withUnsafeMutableBufferPointer { packed in
              output.withUnsafeMutableBufferPointer {
                ImplicitConvolution.directForward(
                  weights: w, filters: filters, bias: b, relu: appliesReLU, input: x, g, into: $0, packedWeights: packed,
                  weightsUnchanged: unchanged)
              }
            }
          }
        }
      }
      if done {
        directWeightsVersion = version
        return
      }
    }
    if g.batch == 1 {
      // [F, P] is already [1, F, P]: multiply straight into the output, then add the bias in place.
      output.withUnsafeMutableBufferPointer { multiply(input, g, columns: columns, into: $0) }
      bias.value.withUnsafeBufferPointer { b in
        output.withUnsafeMutableBufferPointer { out in
          ckernels_add_bias_by_sample(out.baseAddress, out.baseAddress, filters, 1, plane, b.baseAddress, appliesReLU ? 1 : 0)
        }
      }
      return
    }
    // [F, C·kH·kW] · [C·kH·kW, N·outH·outW] → [F, N, outH·outW]
    rowsOutput.resize(filters, rows)
    rowsOutput.withUnsafeMutableBufferPointer { multiply(input, g, columns: columns, into: $0) }
    // [F, N, P] → [N, F, P], adding the bias (and applying the ReLU: max(x, 0)) on the way.
    rowsOutput.withUnsafeBufferPointer { y in
      bias.value.withUnsafeBufferPointer { b in
        output.withUnsafeMutableBufferPointer { out in
          ckernels_add_bias_by_sample(
            y.baseAddress, out.baseAddress, filters, g.batch, plane, b.baseAddress, appliesReLU ? 1 : 0)
        }
      }
    }
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    guard let g = geometry else {
      preconditionFailure("\(name).backward called without a training forward")
    }
    let filters = filters
    let plane = g.outputHeight * g.outputWidth
    precondition(
      outputGradient.hasShape(g.batch, filters, g.outputHeight, g.outputWidth),
      "\(name).backward got \(outputGradient.shape)")
    let rows = g.columnRows
    // [N, F, P] → [F, N, P] (masked by the ReLU's output); the bias gradient is each filter's sum.
    rowsGradient.resize(filters, rows)
    let appliesReLU = activation == .relu
    outputGradient.withUnsafeBufferPointer { dy in
      trainingOutput.withUnsafeBufferPointer { y in
        rowsGradient.withUnsafeMutableBufferPointer { dr in
          bias.gradient.withUnsafeMutableBufferPointer { db in
            ckernels_convolution_rows_gradient(
              InstructionLevel.detected.rawValue, dy.baseAddress, appliesReLU ? y.baseAddress : nil, dr.baseAddress, db.baseAddress, filters, g.batch, plane)
          }
        }
      }
    }
    let width = g.columnWidth
    let paths = fastPaths
    // dW[F, Ckk] += dY[F, R] · columnsᵀ[R, Ckk]
    rowsGradient.withUnsafeBufferPointer { dr in
      weight.gradient.withUnsafeMutableBufferPointer { dw in
        if trainingInput.count > 0 {
          trainingInput.withUnsafeBufferPointer { x in
            ImplicitConvolution.weightGradient(
              rowsGradient: dr, filters: filters, input: x, g, accumulatingInto: dw, aInPlace: paths.contains(.inPlaceA),
              byRows: paths.contains(.weightGradientByRows))
          }
        } else {
          trainingColumns.withUnsafeBufferPointer { col in
            MatrixProducts.gemm(dr, col, transposeB: true, dw, m: filters, n: width, k: rows, beta: 1, paths: paths)
          }
        }
      }
    }
    geometry = nil
    trainingInput = .empty
    guard computesInputGradient else {
      return .empty
    }
    inputGradient.resize(g.batch, g.channels, g.height, g.width)
    if paths.contains(.groupedInputGradient) && ImplicitConvolution.fits(g) {
      let done = rowsGradient.withUnsafeBufferPointer { dr in
        weight.value.withUnsafeBufferPointer { w in
          inputGradient.withUnsafeMutableBufferPointer { dx in
            ImplicitConvolution.inputGradient(
              weights: w, filters: filters, rowsGradient: dr, g, into: dx, aInPlace: paths.contains(.inPlaceA),
              foldByRows: paths.contains(.foldByRows))
          }
        }
      }
      if done { return inputGradient }
    }
    // dColumns[CkK, R] = Wᵀ[CkK, F] · dY[F, R]
    columnsGradient.resize(width, rows)
    rowsGradient.withUnsafeBufferPointer { dr in
      weight.value.withUnsafeBufferPointer { w in
        columnsGradient.withUnsafeMutableBufferPointer { dc in
          MatrixProducts.gemm(w, transposeA: true, dr, dc, m: width, n: rows, k: filters, paths: paths)
        }
      }
    }
    columnsGradient.withUnsafeMutableBufferPointer { dc in
      inputGradient.withUnsafeMutableBufferPointer { NeuralNetwork.col2imTransposed(destroying: dc, g, into: $0) }
    }
    return inputGradient
  }

  public var description: String {
    "Conv2D(\(inputChannels)→\(filters), \(kernelHeight)×\(kernelWidth), stride \(stride), padding \(padding)"
      + (activation == .relu ? ", ReLU" : "") + ", \(name))"
  }
}
