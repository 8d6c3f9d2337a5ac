/// A fully connected (affine) layer: `y = x · Wᵀ + b`, with PyTorch's `[out, in]` weight layout.
///
/// Batch-1 inference (choosing one action) is a matrix-vector product (`VectorProduct`: CKernels'
/// with `FastPaths.vectorProducts`, else OpenBLAS's `sgemv`, several times faster than `sgemm` with
/// one row). The other products go through `MatrixProducts` (CKernels' own kernels with
/// `FastPaths.matrixProducts`, the default on processors with AVX2).
public final class Dense: Layer {
  public let inputSize: Int
  public let outputSize: Int
  public let name: String
  public let weight: Parameter
  public let bias: Parameter
  public var computesInputGradient = true
  /// How the products are computed: `FastPaths.standard` when the layer was built.
  public var fastPaths = FastPaths.standard

  private var packedWeight = PackedMatrix()  // Wᵀ, with `FastPaths.packedWeights`
  private let vectorProduct = VectorProduct()  // batch 1
  private var transposedOutput = Tensor.empty  // yᵀ, with `FastPaths.transposedForward`
  private var cachedInput = Tensor.empty
  private var trainingOutput = Tensor.empty
  private var inferenceOutput = Tensor.empty
  private var inputGradient = Tensor.empty

  /// - Parameters:
  ///   - inputSize: features per sample in the input `[N, inputSize]`.
  ///   - outputSize: features per sample in the output `[N, outputSize]`.
  ///   - name: the parameter prefix (`fc1` gives `fc1.weight`, `fc1.bias`).
  public init<G: RandomNumberGenerator>(
    inputSize: Int, outputSize: Int, name: String, initializer: Initializer = .he,
    using rng: inout G
  ) {
    precondition(inputSize > 0 && outputSize > 0, "Dense sizes must be positive, got \(inputSize)→\(outputSize)")
    self.inputSize = inputSize
    self.outputSize = outputSize
    self.name = name
    weight = Parameter(
      name: "\(name).weight",
      value: initializer.makeWeights(shape: [outputSize, inputSize], fanIn: inputSize, using: &rng))
    bias = Parameter(name: "\(name).bias", value: Tensor(shape: [outputSize]), decays: false)
  }

  public var parameters: [Parameter] { [weight, bias] }

  public func outputShape(for inputShape: [Int]) -> [Int] {
    precondition(inputShape.reduce(1, *) == inputSize, "\(self) expects \(inputSize) features, got \(inputShape)")
    return [outputSize]
  }

  public func forward(_ input: Tensor, training: Bool) -> Tensor {
    precondition(
      input.rank == 2 && input.shape[1] == inputSize,
      "Dense(\(inputSize)→\(outputSize)) expects [N, \(inputSize)], got \(input.shape)")
    let batch = input.shape[0]
    if training {
      cachedInput = input
      compute(input, batch: batch, into: &trainingOutput)
      return trainingOutput
    }
    compute(input, batch: batch, into: &inferenceOutput)
    return inferenceOutput
  }

  private func compute(_ input: Tensor, batch: Int, into output: inout Tensor) {
    output.resize(batch, outputSize)
    let outputSize = outputSize
    let inputSize = inputSize
    let paths = fastPaths
    let own = paths.contains(.matrixProducts) && batch * outputSize * inputSize >= MatrixProducts.smallestOwnProduct
    let transposed = own && batch > 1 && paths.contains(.transposedForward) && batch <= MatrixProducts.transposedForwardRows
    if transposed { transposedOutput.resize(outputSize, batch) }
    input.withUnsafeBufferPointer { x in
      weight.value.withUnsafeBufferPointer { w in
        bias.value.withUnsafeBufferPointer { b in
          output.withUnsafeMutableBufferPointer { y in
            if batch == 1 {
              for j in 0..<outputSize { y[j] = b[j] }
              vectorProduct.multiply(
                w, rows: outputSize, columns: inputSize, version: weight.version, x, y,
                paths: paths.contains(.matrixProducts) ? paths : [])
            } else if own && paths.contains(.packedWeights) && !(transposed && Self.transposedBeatsPacked)
              && packedWeight.prepare(w, transposeB: true, k: inputSize, n: outputSize, version: weight.version, level: .detected)
            {
              Self.fillRows(y, with: b, rows: batch)
              packedWeight.product(
                x, y, m: batch, n: outputSize, k: inputSize, accumulate: true, aInPlace: paths.contains(.inPlaceA))
            } else if transposed {
              // yᵀ = b + W · xᵀ: W read in place, only the batch packed; the same sums in the same
              // order as y = b + x · Wᵀ, so the same bits.
              transposedOutput.withUnsafeMutableBufferPointer { t in
                for j in 0..<outputSize {
                  let base = j &* batch
                  for row in 0..<batch { t[base &+ row] = b[j] }
                }
                MatrixProducts.own(
                  w, x, transposeB: true, t, m: outputSize, n: batch, k: inputSize, accumulate: true,
                  bInPlace: paths.contains(.inPlaceB), aInPlace: paths.contains(.inPlaceA))
                for row in 0..<batch {
                  let base = row &* outputSize
                  for j in 0..<outputSize { y[base &+ j] = t[j &* batch &+ row] }
                }
              }
            } else {
              Self.fillRows(y, with: b, rows: batch)
              MatrixProducts.gemm(x, w, transposeB: true, y, m: batch, n: outputSize, k: inputSize, beta: 1, paths: paths)
            }
          }
        }
      }
    }
  }

  /// Whether a forward that `FastPaths.transposedForward` takes computes yᵀ = b + W·xᵀ even where
  /// the weights are packed beforehand (a target network's): with AVX2 (its 6-row tiles, A read in
  /// place), W·xᵀ beats x·Wᵀ on packed weights at the Nature network's 3136 → 512 at batch 32,
  /// 966–1,233 against 1,073–1,515 µs in three sittings, and ties at MinAtar's 1024 → 128 (82–104
  /// against 85–101 µs); with AVX-512 the packed weights win (922 against 949 µs, 75 against 84),
  /// Zen 4, `scripts/microbench/run dense_forward [1]`. The same bits either way.
  static let transposedBeatsPacked = InstructionLevel.detected < .avx512

  /// Every row of `y` (`rows` of `bias.count`) set to `bias`.
  private static func fillRows(_ y: UnsafeMutableBufferPointer<Float>, with bias: UnsafeBufferPointer<Float>, rows: Int) {
    let width = bias.count
    for row in 0..<rows {
      let base = row &* width
      for j in 0..<width { y[base &+ j] = bias[j] }
    }
  }

  public func backward(_ outputGradient: Tensor) -> Tensor {
    requireCachedInput(cachedInput, layer: name)
    let batch = cachedInput.shape[0]
    precondition(outputGradient.hasShape(batch, outputSize), "\(name).backward expects [\(batch), \(outputSize)], got \(outputGradient.shape)")
    let outputSize = outputSize
    let inputSize = inputSize
    let paths = fastPaths
    outputGradient.withUnsafeBufferPointer { dy in
      cachedInput.withUnsafeBufferPointer { x in
        weight.accumulateGradient { dw, ontoZeros in
          MatrixProducts.denseWeightGradient(
            dy, x, dw, outputs: outputSize, inputs: inputSize, batch: batch, ontoZeros: ontoZeros, paths: paths)
        }
      }
      bias.gradient.withUnsafeMutableBufferPointer { db in
        for row in 0..<batch {
          let base = row &* outputSize
          for j in 0..<outputSize { db[j] += dy[base &+ j] }
        }
      }
    }
    cachedInput = .empty
    guard computesInputGradient else { return .empty }
    inputGradient.resize(batch, inputSize)
    outputGradient.withUnsafeBufferPointer { dy in
      weight.value.withUnsafeBufferPointer { w in
        inputGradient.withUnsafeMutableBufferPointer { dx in
          MatrixProducts.denseInputGradient(dy, w, dx, outputs: outputSize, inputs: inputSize, batch: batch, paths: paths)
        }
      }
    }
    return inputGradient
  }

  public var description: String { "Dense(\(inputSize)→\(outputSize), \(name))" }
}
