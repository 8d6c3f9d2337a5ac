import CKernels
import Testing

@testable import NeuralNetwork

/// Sets `paths` on every Conv2D and Dense in `layer`.
func setFastPaths(_ paths: FastPaths, on layer: Layer) {
  if let sequential = layer as? Sequential {
    for inner in sequential.layers { setFastPaths(paths, on: inner) }
  } else if let convolution = layer as? Conv2D {
    convolution.fastPaths = paths
  } else if let dense = layer as? Dense {
    dense.fastPaths = paths
  }
}

/// What a layer gives for one input: the training output, the inference output, the gradients.
struct LayerResults {
  var trainingOutput, inferenceOutput, inputGradient: Tensor
  var parameterGradients: [Tensor]

  /// Runs a training forward, an inference forward on another input in between (as Double DQN
  /// does), then the backward of `outputGradient`.
  init(_ layer: Layer, input: Tensor, other: Tensor, outputGradient: (Tensor) -> Tensor) {
    layer.zeroGradients()
    trainingOutput = layer.forward(input, training: true)
    inferenceOutput = layer.forward(other, training: false)
    inputGradient = layer.backward(outputGradient(trainingOutput))
    parameterGradients = layer.parameters.map(\.gradient)
  }

  /// Each tensor within `tolerance` (relative to the largest magnitude in it) of `reference`'s.
  func matches(_ reference: LayerResults, tolerance: Float = 1e-5) -> Bool {
    func close(_ a: Tensor, _ b: Tensor) -> Bool {
      guard a.shape == b.shape else { return false }
      let scale = max(b.scalars.map(abs).max() ?? 0, 1e-6)
      return zip(a.scalars, b.scalars).allSatisfy { abs($0 - $1) <= tolerance * scale }
    }
    return close(trainingOutput, reference.trainingOutput) && close(inferenceOutput, reference.inferenceOutput)
      && close(inputGradient, reference.inputGradient)
      && zip(parameterGradients, reference.parameterGradients).allSatisfy(close)
  }
}

/// A convolution to compare with and without the fast paths.
struct ConvolutionCase: CustomTestStringConvertible, Sendable {
  var geometry: WindowGeometry
  var filters: Int
  var activation: Conv2D.OutputActivation

  var testDescription: String {
    let g = geometry
    return "\(g.batch)×\(g.channels)×\(g.height)×\(g.width) → \(filters), \(g.kernelHeight)×\(g.kernelWidth)/\(g.stride) pad \(g.padding)\(activation == .relu ? ", ReLU" : "")"
  }

  static let cases: [ConvolutionCase] = convolutionGeometries.enumerated().map { index, g in
    ConvolutionCase(geometry: g, filters: 1 + (index * 7) % 19, activation: index % 2 == 0 ? .relu : .identity)
  }
}

/// A dense layer "fc" whose weights come from `seed`, with bias `bias(j)` for output j, on `paths`.
func makeDense(inputSize: Int, outputSize: Int, seed: UInt64, paths: FastPaths, bias: (Int) -> Float) -> Dense {
  var rng = SplitMix64(seed: seed)
  let layer = Dense(inputSize: inputSize, outputSize: outputSize, name: "fc", using: &rng)
  layer.bias.value = Tensor(shape: [outputSize], scalars: (0..<outputSize).map(bias))
  layer.fastPaths = paths
  return layer
}

/// Changes `layer`'s weights in each way a program can (nothing first, then an element, an
/// assignment, a write through a pointer, an optimizer step and a copy from `other`), one after
/// another, expecting each real change to advance the weights' version, and calls `check` with the
/// change's name after each.
func forEachChangeOfTheWeights(of layer: Layer, weight: Parameter, other: Layer, _ check: (String) -> Void) {
  var optimizer = Adam(learningRate: 0.1)
  let otherWeight = other.parameters.first { $0.name == weight.name }!
  for name in ["nothing", "an element", "an assignment", "a pointer", "an optimizer step", "a copy from another layer"] {
    let version = weight.version
    switch name {
    case "an element": weight.value[flat: 5] += 1
    case "an assignment": weight.value = otherWeight.value
    case "a pointer": weight.value.withUnsafeMutableBufferPointer { $0[77] = 3 }
    case "an optimizer step":
      weight.gradient.fill(with: 0.25)
      optimizer.update([weight])
    case "a copy from another layer": layer.copyParameters(from: other)
    default: break
    }
    #expect(name == "nothing" || weight.version != version, "\(name)")
    check(name)
  }
}

@Suite struct FastPathLayerTests {
  /// Conv2D with every fast path and with none (im2col + OpenBLAS, the reference) give the same
  /// outputs and gradients up to rounding, on the networks' shapes, padding, strides and batch 1;
  /// and so does each path alone.
  @Test(arguments: ConvolutionCase.cases)
  func convolutionMatchesTheReference(_ testCase: ConvolutionCase) {
    let g = testCase.geometry
    func make(_ paths: FastPaths) -> Conv2D {
      var rng = SplitMix64(seed: 51)
      let layer = Conv2D(
        inputChannels: g.channels, filters: testCase.filters, kernelHeight: g.kernelHeight, kernelWidth: g.kernelWidth,
        stride: g.stride, padding: g.padding, activation: testCase.activation, name: "conv", using: &rng)
      layer.bias.value = Tensor(shape: [testCase.filters], scalars: (0..<testCase.filters).map { Float($0 % 3) * 0.1 - 0.1 })
      layer.fastPaths = paths
      return layer
    }
    var rng = SplitMix64(seed: 52)
    let shape = [g.batch, g.channels, g.height, g.width]
    let input = Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in rng.nextUniform() * 2 - 1 })
    let other = Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in rng.nextUniform() * 2 - 1 })
    let gradient: (Tensor) -> Tensor = { output in
      var state = SplitMix64(seed: 53)
      return Tensor(shape: output.shape, scalars: output.scalars.map { _ in state.nextUniform() * 2 - 1 })
    }
    let reference = LayerResults(make([]), input: input, other: other, outputGradient: gradient)
    for paths in [FastPaths.all, .matrixProducts, .implicitConvolution, [.implicitConvolution, .directConvolution], .implicitWeightGradient, .groupedInputGradient, .packedWeights] {
      let fast = LayerResults(make(paths), input: input, other: other, outputGradient: gradient)
      #expect(fast.matches(reference), "\(paths)")
    }
  }

  /// Dense through CKernels' products (sizes above the small-product cut-off) equals Dense through
  /// OpenBLAS; batch 1 (matrix-vector) and small products take OpenBLAS either way.
  @Test(arguments: [(32, 1024, 128), (32, 128, 6), (1, 1024, 128), (100, 64, 33), (7, 300, 200)])
  func denseMatchesTheReference(batch: Int, inputSize: Int, outputSize: Int) {
    func make(_ paths: FastPaths) -> Dense {
      var rng = SplitMix64(seed: 54)
      let layer = Dense(inputSize: inputSize, outputSize: outputSize, name: "fc", using: &rng)
      layer.bias.value = Tensor(shape: [outputSize], scalars: (0..<outputSize).map { Float($0 % 5) * 0.1 })
      layer.fastPaths = paths
      return layer
    }
    var rng = SplitMix64(seed: 55)
    let input = Tensor(shape: [batch, inputSize], scalars: (0..<(batch * inputSize)).map { _ in rng.nextUniform() * 2 - 1 })
    let other = Tensor(shape: [batch, inputSize], scalars: (0..<(batch * inputSize)).map { _ in rng.nextUniform() * 2 - 1 })
    let gradient: (Tensor) -> Tensor = { output in
      var state = SplitMix64(seed: 56)
      return Tensor(shape: output.shape, scalars: output.scalars.map { _ in state.nextUniform() * 2 - 1 })
    }
    let reference = LayerResults(make([]), input: input, other: other, outputGradient: gradient)
    let fast = LayerResults(make(.all), input: input, other: other, outputGradient: gradient)
    #expect(fast.matches(reference))
  }

  /// Dense's packed weights follow every change of the weights: after each way of changing them,
  /// the forwards equal (bit for bit) those of a layer that packs them for every product.
  @Test func packedWeightsFollowEveryChangeOfTheWeights() {
    func make(_ paths: FastPaths) -> Dense {
      var rng = SplitMix64(seed: 60)
      let layer = Dense(inputSize: 256, outputSize: 96, name: "fc", using: &rng)
      layer.fastPaths = paths
      return layer
    }
    let cached = make(.all), packedEachTime = make(FastPaths.all.subtracting(.packedWeights))
    var rng = SplitMix64(seed: 61)
    let input = Tensor(shape: [16, 256], scalars: (0..<(16 * 256)).map { _ in rng.nextUniform() * 2 - 1 })
    let other = make([])
    other.weight.value.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] *= -0.5 } }
    forEachChangeOfTheWeights(of: cached, weight: cached.weight, other: other) { name in
      packedEachTime.weight.value = cached.weight.value
      // The first two products with new weights pack as usual, the third packs them apart, the
      // fourth reuses that.
      for pass in 0..<4 {
        #expect(cached.forward(input, training: pass == 1) == packedEachTime.forward(input, training: pass == 1), "after \(name), product \(pass)")
      }
    }
  }

  /// Conv2D's direct convolution keeps its weights packed from one forward to the next and packs
  /// them again after every way of changing them: its forwards equal (bit for bit) those of a layer
  /// without the direct convolution, at batch 1 and 2, with an input of another size in between
  /// (tiles of another width). Where the processor has no direct convolution (below AVX2) both
  /// layers take the same path.
  @Test func directConvolutionsPackedWeightsFollowEveryChangeOfTheWeights() {
    func make(_ paths: FastPaths) -> Conv2D {
      var rng = SplitMix64(seed: 62)
      let layer = Conv2D(
        inputChannels: 32, filters: 64, kernelHeight: 4, kernelWidth: 4, stride: 2, padding: 0, activation: .relu,
        name: "conv", using: &rng)
      layer.fastPaths = paths
      return layer
    }
    let cached = make(.all), reference = make(FastPaths.all.subtracting(.directConvolution))
    var rng = SplitMix64(seed: 63)
    func image(_ batch: Int, _ side: Int) -> Tensor {
      Tensor(shape: [batch, 32, side, side], scalars: (0..<(batch * 32 * side * side)).map { _ in rng.nextUniform() * 2 - 1 })
    }
    let inputs = [image(1, 20), image(1, 20), image(2, 20), image(1, 30), image(1, 20)]
    let other = make([])
    other.weight.value.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] *= -0.5 } }
    forEachChangeOfTheWeights(of: cached, weight: cached.weight, other: other) { name in
      reference.weight.value = cached.weight.value
      for (pass, input) in inputs.enumerated() {
        let training = pass == 2
        #expect(
          cached.forward(input, training: training).scalars.map(\.bitPattern)
            == reference.forward(input, training: training).scalars.map(\.bitPattern), "after \(name), forward \(pass)")
      }
    }
  }

  /// Dense's forward as yᵀ = b + W · xᵀ gives the bits of y = b + x · Wᵀ: at and around its row
  /// limit, with shared dimensions over several blocks, on 1 and 2 threads, before and after the
  /// weights are packed apart (third product), and with every other path off but the products.
  @Test(arguments: [(2, 300, 200), (7, 1024, 128), (32, 1024, 128), (64, 520, 70), (65, 256, 96), (32, 3136, 512)])
  func transposedForwardGivesTheBitsOfTheUsualForward(batch: Int, inputSize: Int, outputSize: Int) {
    func make(_ paths: FastPaths) -> Dense {
      makeDense(inputSize: inputSize, outputSize: outputSize, seed: 62, paths: paths) { Float($0 % 7) * 0.3 - 1 }
    }
    var rng = SplitMix64(seed: 63)
    let input = Tensor(shape: [batch, inputSize], scalars: (0..<(batch * inputSize)).map { _ in rng.nextUniform() * 2 - 1 })
    let threads = ComputeThreads.count
    defer { ckernels_set_threads(Int32(threads)) }
    for threadCount in [1, 2] {
      ckernels_set_threads(Int32(threadCount))
      for paths in [FastPaths.all, [.matrixProducts, .transposedForward]] {
        let transposed = make(paths), usual = make(paths.subtracting(.transposedForward))
        for pass in 0..<4 {
          let a = transposed.forward(input, training: pass % 2 == 0), b = usual.forward(input, training: pass % 2 == 0)
          #expect(
            a.scalars.map(\.bitPattern) == b.scalars.map(\.bitPattern),
            "\(batch)×\(inputSize)→\(outputSize), \(paths), \(threadCount) threads, product \(pass)")
        }
      }
    }
  }

  /// With the implicit weight gradient the training forward keeps its input: changing the
  /// caller's tensor afterwards (copy on write) must not change the gradient.
  @Test func implicitWeightGradientUsesTheInputAsItWasAtTheForward() {
    var rng = SplitMix64(seed: 57)
    let layer = Conv2D(inputChannels: 2, filters: 3, kernelSize: 3, padding: 1, name: "conv", using: &rng)
    layer.fastPaths = .all
    var input = Tensor(shape: [2, 2, 5, 5], scalars: (0..<100).map { _ in rng.nextUniform() })
    let outputGradient = Tensor(shape: [2, 3, 5, 5], repeating: 1)
    _ = layer.forward(input, training: true)
    _ = layer.backward(outputGradient)
    let expected = layer.weight.gradient
    layer.zeroGradients()
    _ = layer.forward(input, training: true)
    input.fill(with: 7)
    _ = layer.backward(outputGradient)
    #expect(layer.weight.gradient == expected)
  }

  /// A zeroed gradient reads as zeros, is zeros not written yet only to the first backward that
  /// adds to it, and a dense layer's backward onto such zeros gives the bits of one onto written
  /// zeros (after a gradient that was not zero), with CKernels' products and OpenBLAS's, twice in a
  /// row.
  @Test func lazilyZeroedGradientsGiveTheBitsOfWrittenZeros() {
    let parameter = Parameter(name: "w", value: Tensor(shape: [3], scalars: [1, 2, 3]))
    parameter.gradient = Tensor(shape: [3], scalars: [4, 5, 6])
    parameter.zeroGradient()
    #expect(parameter.gradient.scalars == [0, 0, 0])
    parameter.gradient = Tensor(shape: [3], scalars: [4, 5, 6])
    parameter.zeroGradient()
    parameter.accumulateGradient { gradient, ontoZeros in
      #expect(ontoZeros)
      for i in gradient.indices { gradient[i] = 0 + Float(i) }
    }
    parameter.accumulateGradient { gradient, ontoZeros in
      #expect(!ontoZeros)
      gradient[0] += 10
    }
    #expect(parameter.gradient.scalars == [10, 1, 2])

    for paths in [FastPaths.all, []] {
      func make() -> Dense {
        var rng = SplitMix64(seed: 62)
        let layer = Dense(inputSize: 1024, outputSize: 128, name: "fc", using: &rng)
        layer.fastPaths = paths
        return layer
      }
      let lazy = make(), written = make()
      var rng = SplitMix64(seed: 63)
      for _ in 0..<2 {
        let input = Tensor(shape: [32, 1024], scalars: (0..<(32 * 1024)).map { _ in rng.nextUniform() * 2 - 1 })
        let outputGradient = Tensor(shape: [32, 128], scalars: (0..<(32 * 128)).map { _ in rng.nextUniform() * 2 - 1 })
        for layer in [lazy, written] {
          layer.weight.gradient.fill(with: 3)
          layer.zeroGradients()
        }
        _ = written.weight.gradient.count  // reading it writes the zeros
        for layer in [lazy, written] {
          _ = layer.forward(input, training: true)
          _ = layer.backward(outputGradient)
        }
        #expect(lazy.weight.gradient.scalars.map(\.bitPattern) == written.weight.gradient.scalars.map(\.bitPattern), "\(paths)")
        #expect(lazy.weight.gradient.scalars.contains { $0 != 0 && $0 != 3 })
      }
    }
  }

  /// The MinAtar and Nature networks give the same Q-values and gradients with and without the
  /// fast paths (up to rounding), through a full training step's forward and backward.
  @Test(arguments: ["minatar", "nature"])
  func networksMatchTheReference(_ name: String) {
    func make(_ paths: FastPaths) -> Sequential {
      let network = name == "minatar" ? NetworkBenchmarks.minatarNetwork(seed: 3) : NetworkBenchmarks.natureNetwork(seed: 3)
      setFastPaths(paths, on: network)
      return network
    }
    let shape = name == "minatar" ? [32, 4, 10, 10] : [4, 4, 84, 84]
    var rng = SplitMix64(seed: 58)
    let input = Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in rng.nextUniform() })
    let other = Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in rng.nextUniform() })
    let gradient: (Tensor) -> Tensor = { output in
      var state = SplitMix64(seed: 59)
      return Tensor(shape: output.shape, scalars: output.scalars.map { _ in state.nextUniform() * 2 - 1 })
    }
    let reference = LayerResults(make([]), input: input, other: other, outputGradient: gradient)
    let fast = LayerResults(make(.all), input: input, other: other, outputGradient: gradient)
    #expect(fast.matches(reference, tolerance: 1e-4))
  }
}
