import Testing

@testable import NeuralNetwork

/// Every layer's backward against central differences, for the input and every parameter.
enum LayerCase: String, CaseIterable, CustomTestStringConvertible {
  case dense, conv, convStridePadding, convReLU, maxPool, maxPoolPadded, avgPool, avgPoolPadded
  case relu, leakyReLU, sigmoid, tanh, batchNormDense, batchNormConv, layerNormDense, layerNormConv, flatten, sequential
  case sequentialConvReLU
  /// Large enough for every product to go through CKernels' own kernels with the fast paths.
  case denseLarge, convLarge

  var testDescription: String { rawValue }

  var inputShape: [Int] {
    switch self {
    case .dense, .relu, .leakyReLU, .sigmoid, .tanh, .batchNormDense, .layerNormDense: return [4, 5]
    case .conv, .convStridePadding, .convReLU, .sequential, .sequentialConvReLU: return [2, 3, 6, 5]
    case .maxPool, .maxPoolPadded, .avgPool, .avgPoolPadded, .batchNormConv, .flatten: return [2, 2, 4, 6]
    case .layerNormConv: return [2, 3, 4, 5]
    case .denseLarge: return [16, 64]
    case .convLarge: return [2, 8, 10, 10]
    }
  }

  func make(using rng: inout SplitMix64) -> Layer {
    switch self {
    case .dense: return Dense(inputSize: 5, outputSize: 3, name: "fc", using: &rng)
    case .conv: return Conv2D(inputChannels: 3, filters: 4, kernelSize: 3, name: "conv", using: &rng)
    case .convStridePadding:
      return Conv2D(inputChannels: 3, filters: 2, kernelHeight: 3, kernelWidth: 2, stride: 2, padding: 1, name: "conv", using: &rng)
    case .convReLU: return Self.convolutionWithLiveAndDeadFilters(name: "conv", using: &rng)
    case .denseLarge: return Dense(inputSize: 64, outputSize: 32, name: "fc", using: &rng)
    case .convLarge: return Conv2D(inputChannels: 8, filters: 16, kernelSize: 3, stride: 1, padding: 1, name: "conv", using: &rng)
    case .maxPool: return MaxPool2D(kernelSize: 2)
    case .maxPoolPadded: return MaxPool2D(kernelSize: 3, stride: 2, padding: 1)
    case .avgPool: return AvgPool2D(kernelSize: 2)
    case .avgPoolPadded: return AvgPool2D(kernelSize: 3, stride: 2, padding: 1)
    case .relu: return Activation.relu
    case .leakyReLU: return Activation.leakyReLU(slope: 0.1)
    case .sigmoid: return Activation.sigmoid
    case .tanh: return Activation.tanh
    case .batchNormDense:
      let layer = BatchNorm(features: 5, name: "bn")
      layer.scale.value = Tensor(shape: [5], scalars: [0.5, 1.5, -1, 2, 0.8])
      layer.shift.value = Tensor(shape: [5], scalars: [0.1, -0.2, 0.3, 0, 1])
      return layer
    case .batchNormConv: return BatchNorm(features: 2, name: "bn")
    case .layerNormDense:
      let layer = LayerNorm(features: 5, name: "ln")
      layer.scale.value = Tensor(shape: [5], scalars: [0.5, 1.5, -1, 2, 0.8])
      layer.shift.value = Tensor(shape: [5], scalars: [0.1, -0.2, 0.3, 0, 1])
      return layer
    case .layerNormConv:
      let layer = LayerNorm(features: 3, name: "ln")
      layer.scale.value = Tensor(shape: [3], scalars: [0.7, -1.2, 1.9])
      layer.shift.value = Tensor(shape: [3], scalars: [0.2, 0, -0.4])
      return layer
    case .flatten: return Flatten()
    case .sequential:
      return Sequential([
        Conv2D(inputChannels: 3, filters: 2, kernelSize: 3, name: "conv1", using: &rng), Activation.tanh,
        MaxPool2D(kernelSize: 2), Flatten(), Dense(inputSize: 2 * 2 * 1, outputSize: 3, name: "fc1", using: &rng),
      ])
    case .sequentialConvReLU:
      return Sequential([
        Self.convolutionWithLiveAndDeadFilters(name: "conv1", using: &rng),
        Conv2D(inputChannels: 4, filters: 3, kernelSize: 2, stride: 2, padding: 1, name: "conv2", using: &rng),
        Flatten(), Dense(inputSize: 3 * 3 * 2, outputSize: 2, name: "fc1", using: &rng),
      ])
    }
  }

  /// A `Conv2D(…, activation: .relu)` of 3 → 4 channels, 3×3. Biases of ±5 keep every
  /// pre-activation far from the kink, so filters 0 and 2 pass everything and 1 and 3 nothing: the
  /// check covers both sides of the ReLU's mask (an unmasked backward gives the dead filters a
  /// gradient that the differences do not see).
  static func convolutionWithLiveAndDeadFilters(name: String, using rng: inout SplitMix64) -> Conv2D {
    let convolution = Conv2D(inputChannels: 3, filters: 4, kernelSize: 3, activation: .relu, name: name, using: &rng)
    convolution.bias.value = Tensor(shape: [4], scalars: [5, -5, 5, -5])
    return convolution
  }

  /// Inputs kept away from kinks: no ReLU input near 0, no max-pool ties.
  func makeInput(using rng: inout SplitMix64) -> Tensor {
    let count = inputShape.reduce(1, *)
    var values: [Float]
    switch self {
    case .maxPool, .maxPoolPadded:
      // A permutation of well-separated values: no ties, and ±h cannot change the winner.
      var order = Array(0..<count)
      rng.shuffle(&order)
      values = order.map { Float($0) * 0.1 - Float(count) * 0.05 }
    case .relu, .leakyReLU:
      values = (0..<count).map { _ in
        let magnitude = 0.1 + rng.nextUniform()
        return rng.nextUniform() < 0.5 ? -magnitude : magnitude
      }
    default:
      values = (0..<count).map { _ in rng.nextUniform() * 2 - 1 }
    }
    return Tensor(shape: inputShape, scalars: values)
  }
}

@Suite struct GradientCheckTests {
  /// With every fast path (the default on processors with AVX2) and with none (the reference).
  @Test(arguments: LayerCase.allCases, [FastPaths.all, []])
  func backwardMatchesCentralDifferences(_ layerCase: LayerCase, paths: FastPaths) {
    var rng = SplitMix64(seed: 7)
    let layer = layerCase.make(using: &rng)
    setFastPaths(paths, on: layer)
    let input = layerCase.makeInput(using: &rng)
    let report = GradientCheck.run(layer, input: input, step: 1e-2, using: &rng)
    #expect(report.maxRelativeError < 2e-2, "\(layerCase) \(paths): \(report)")
    #expect(report.parameterErrors.count == layer.parameters.count)
  }

  /// The live and dead filters of the ReLU cases really are all on and all off.
  @Test func reluCasesHaveLiveAndDeadFilters() {
    var rng = SplitMix64(seed: 7)
    let convolution = LayerCase.convolutionWithLiveAndDeadFilters(name: "conv", using: &rng)
    let input = LayerCase.convReLU.makeInput(using: &rng)
    let output = convolution(input)
    let plane = output.shape[2] * output.shape[3]
    for n in 0..<output.shape[0] {
      for f in 0..<4 {
        let values = (0..<plane).map { output[flat: (n * 4 + f) * plane + $0] }
        #expect(f % 2 == 0 ? values.allSatisfy { $0 > 0 } : values.allSatisfy { $0 == 0 }, "sample \(n) filter \(f)")
      }
    }
  }

  @Test func softmaxCrossEntropyGradientMatchesCentralDifferences() {
    var rng = SplitMix64(seed: 8)
    let logits = Tensor(shape: [3, 4], scalars: (0..<12).map { _ in rng.nextUniform() * 4 - 2 })
    let labels = [2, 0, 3]
    let loss = SoftmaxCrossEntropy()
    _ = loss.forward(logits, labels: labels)
    let analytic = loss.backward()
    for i in 0..<logits.count {
      var plus = logits
      var minus = logits
      plus[flat: i] += 1e-2
      minus[flat: i] -= 1e-2
      let numeric = (loss.forward(plus, labels: labels) - loss.forward(minus, labels: labels)) / 2e-2
      #expect(GradientCheck.relativeError(analytic[flat: i], numeric) < 2e-2)
    }
  }

  @Test func meanSquaredErrorGradientMatchesCentralDifferences() {
    var rng = SplitMix64(seed: 9)
    let predictions = Tensor(shape: [3, 2], scalars: (0..<6).map { _ in rng.nextUniform() })
    let targets = Tensor(shape: [3, 2], scalars: (0..<6).map { _ in rng.nextUniform() })
    let mask = Tensor(shape: [3, 2], scalars: [1, 0, 0, 1, 1, 1])
    for useMask in [false, true] {
      let loss = MeanSquaredError()
      _ = loss.forward(predictions, targets: targets, mask: useMask ? mask : nil)
      let analytic = loss.backward()
      for i in 0..<predictions.count {
        var plus = predictions
        var minus = predictions
        plus[flat: i] += 1e-2
        minus[flat: i] -= 1e-2
        let numeric = (loss.forward(plus, targets: targets, mask: useMask ? mask : nil) - loss.forward(minus, targets: targets, mask: useMask ? mask : nil)) / 2e-2
        #expect(GradientCheck.relativeError(analytic[flat: i], numeric) < 2e-2)
      }
    }
  }

  @Test func maskedHuberGradientMatchesCentralDifferences() {
    // Errors on both sides of δ = 1, so both the quadratic and the linear pieces are checked.
    let predictions = Tensor(shape: [3, 3], scalars: [0.2, 3.0, -1.0, 0.5, 0.1, -2.5, 1.0, 1.2, 0.4])
    let targets = Tensor(shape: [3, 3], scalars: [0.0, 0.5, 0.0, 0.3, 0.0, 0.2, 0.0, 0.0, 0.0])
    let mask = Tensor(shape: [3, 3], scalars: [0, 1, 0, 0, 0, 1, 1, 0, 0])
    let weights: [Float] = [0.5, 1, 2]
    let loss = HuberLoss()
    _ = loss.forward(predictions, targets: targets, mask: mask, rowWeights: weights)
    let analytic = loss.backward()
    for i in 0..<predictions.count {
      var plus = predictions
      var minus = predictions
      plus[flat: i] += 1e-2
      minus[flat: i] -= 1e-2
      let numeric = (loss.forward(plus, targets: targets, mask: mask, rowWeights: weights) - loss.forward(minus, targets: targets, mask: mask, rowWeights: weights)) / 2e-2
      #expect(GradientCheck.relativeError(analytic[flat: i], numeric) < 2e-2, "element \(i)")
      if mask[flat: i] == 0 { #expect(analytic[flat: i] == 0) }
    }
  }

  @Test func huberActionFormEqualsTheMaskForm() {
    let predictions = Tensor(shape: [2, 3], scalars: [1, 2, 3, -4, 5, 6])
    let loss = HuberLoss()
    let actionForm = loss.forward(predictions, actions: [2, 0], targets: [2.5, 0])
    let gradient = loss.backward()
    let targets = Tensor(shape: [2, 3], scalars: [0, 0, 2.5, 0, 0, 0])
    let mask = Tensor(shape: [2, 3], scalars: [0, 0, 1, 1, 0, 0])
    let maskForm = loss.forward(predictions, targets: targets, mask: mask)
    #expect(actionForm == maskForm)
    #expect(gradient == loss.backward())
    // Row 0: error 0.5 → 0.125; row 1: error −4 → 3.5; mean 1.8125.
    #expect(abs(actionForm - 1.8125) < 1e-6)
    #expect(loss.lastErrors == [0.5, -4])
  }
}
