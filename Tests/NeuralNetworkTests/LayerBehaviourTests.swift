import Testing

@testable import NeuralNetwork

@Suite struct LayerBehaviourTests {
  /// Conv2D multiplies a single sample straight into its output: each sample alone must give the
  /// same output as in a batch, with and without its ReLU, in inference and training.
  @Test(arguments: [Conv2D.OutputActivation.identity, .relu])
  func convolutionOfOneSampleMatchesItsRowInABatch(activation: Conv2D.OutputActivation) {
    var rng = SplitMix64(seed: 23)
    let convolution = Conv2D(
      inputChannels: 2, filters: 3, kernelSize: 3, stride: 2, padding: 1, activation: activation, name: "conv",
      using: &rng)
    convolution.bias.value = Tensor(shape: [3], scalars: [0.3, -0.2, 0.1])
    let network = Sequential([convolution])
    let batch = Tensor(shape: [3, 2, 7, 6], scalars: (0..<(3 * 2 * 7 * 6)).map { _ in rng.nextUniform() - 0.5 })
    let together = network(batch)
    let perSample = together.count / 3
    for training in [false, true] {
      for n in 0..<3 {
        let sample = Tensor(shape: [1, 2, 7, 6], scalars: Array(batch.scalars[(n * 84)..<((n + 1) * 84)]))
        let alone = network.forward(sample, training: training)
        let row = together.scalars[(n * perSample)..<((n + 1) * perSample)]
        #expect(alone.count == perSample)
        #expect(zip(alone.scalars, row).allSatisfy { abs($0 - $1) <= 1e-6 })
      }
    }
  }

  /// `Conv2D(…, activation: .relu)` is a convolution and a ReLU in one layer: outputs and every
  /// gradient must equal running a plain Conv2D and `Activation.relu` one after the other, training
  /// and inference alike. The upstream gradient is nonzero where the ReLU is off, so a fused
  /// backward that forgot to mask would differ.
  @Test func convolutionWithReLUMatchesSeparateLayers() {
    func makeConvolution(_ activation: Conv2D.OutputActivation) -> Conv2D {
      var rng = SplitMix64(seed: 21)
      return Conv2D(
        inputChannels: 3, filters: 5, kernelSize: 3, stride: 2, padding: 1, activation: activation, name: "conv",
        using: &rng)
    }
    let fused = makeConvolution(.relu)
    let fusedNetwork = Sequential([fused, Flatten()])
    #expect(fused.description.contains("ReLU"))
    let separate = makeConvolution(.identity)
    let separateNetwork = Sequential([separate, Activation.relu, Flatten()])
    #expect(fused.namedTensors == separate.namedTensors)

    var rng = SplitMix64(seed: 22)
    let input = Tensor(shape: [3, 3, 9, 8], scalars: (0..<(3 * 3 * 9 * 8)).map { _ in rng.nextUniform() - 0.5 })
    let expected = separateNetwork.forward(input, training: true)
    let output = fusedNetwork.forward(input, training: true)
    #expect(output.scalars == expected.scalars)
    #expect(output.scalars.contains(0) && output.scalars.contains { $0 > 0 })
    #expect(fusedNetwork(input).scalars == separateNetwork(input).scalars)

    let upstream = Tensor(shape: expected.shape, scalars: (0..<expected.count).map { _ in rng.nextUniform() - 0.5 })
    let expectedInputGradient = separateNetwork.backward(upstream)
    let inputGradient = fusedNetwork.backward(upstream)
    func close(_ a: Tensor, _ b: Tensor) -> Bool {
      a.shape == b.shape && zip(a.scalars, b.scalars).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) }
    }
    #expect(close(inputGradient, expectedInputGradient))
    #expect(close(fused.weight.gradient, separate.weight.gradient))
    #expect(close(fused.bias.gradient, separate.bias.gradient))
  }

  /// Sequential runs what it is given: a ReLU after a plain Conv2D stays a layer of its own, and the
  /// convolution keeps its identity output.
  @Test func sequentialLeavesItsLayersAsBuilt() {
    var rng = SplitMix64(seed: 24)
    let convolution = Conv2D(inputChannels: 2, filters: 3, kernelSize: 3, name: "conv", using: &rng)
    let network = Sequential([convolution, Activation.relu])
    #expect(convolution.activation == .identity)
    #expect(network.layers.count == 2)
    convolution.bias.value = Tensor(shape: [3], scalars: [-10, -10, -10])
    let input = Tensor(shape: [1, 2, 5, 5], scalars: (0..<50).map { _ in rng.nextUniform() - 0.5 })
    #expect(convolution(input).scalars.allSatisfy { $0 < 0 })
    #expect(network(input).scalars.allSatisfy { $0 == 0 })
  }

  /// Double DQN runs inference between a training forward and backward: that must not change the gradient.
  @Test func inferenceBetweenForwardAndBackwardLeavesGradientsAlone() {
    func gradients(interleaveInference: Bool) -> [Tensor] {
      var rng = SplitMix64(seed: 3)
      let network = Sequential([
        Conv2D(inputChannels: 2, filters: 3, kernelSize: 3, activation: .relu, name: "conv1", using: &rng),
        MaxPool2D(kernelSize: 2), Flatten(), Dense(inputSize: 3 * 2 * 2, outputSize: 4, name: "fc1", using: &rng),
      ], computesInputGradient: false)
      let input = Tensor(shape: [2, 2, 6, 6], scalars: (0..<144).map { _ in rng.nextUniform() - 0.5 })
      let other = Tensor(shape: [5, 2, 6, 6], scalars: (0..<360).map { _ in rng.nextUniform() })
      let output = network.forward(input, training: true)
      if interleaveInference { _ = network(other) }
      _ = network.backward(Tensor(shape: output.shape, repeating: 1))
      return network.parameters.map(\.gradient)
    }
    #expect(gradients(interleaveInference: false) == gradients(interleaveInference: true))
  }

  @Test func dropoutMaskIsConsistentAndInverted() {
    let dropout = Dropout(probability: 0.25, seed: 4)
    let input = Tensor(shape: [10, 100], repeating: 2)
    let output = dropout.forward(input, training: true)
    let mask = dropout.lastMask
    let kept = mask.filter { $0 != 0 }
    #expect(kept.allSatisfy { abs($0 - 1 / 0.75) < 1e-6 })
    #expect(abs(Float(kept.count) / 1000 - 0.75) < 0.05)
    for i in 0..<input.count { #expect(output[flat: i] == 2 * mask[i]) }
    let gradient = dropout.backward(Tensor(shape: [10, 100], repeating: 1))
    for i in 0..<input.count { #expect(gradient[flat: i] == mask[i]) }
    #expect(dropout(input) == input)
  }

  @Test func batchNormTracksRunningStatisticsForInference() {
    let layer = BatchNorm(features: 2, name: "bn", momentum: 1)
    let input = Tensor(shape: [4, 2], scalars: [1, 10, 2, 20, 3, 30, 4, 40])
    let output = layer.forward(input, training: true)
    // Training output is normalised per feature.
    for f in 0..<2 {
      let column = (0..<4).map { output[$0, f] }
      #expect(abs(column.reduce(0, +)) < 1e-5)
    }
    _ = layer.backward(Tensor(shape: [4, 2]))
    #expect(layer.runningMean.value.scalars == [2.5, 25])
    // Unbiased variance: feature 0 has values 1…4 → 5/3.
    #expect(abs(layer.runningVariance.value[flat: 0] - 5.0 / 3.0) < 1e-5)
    let inference = layer(Tensor(shape: [1, 2], scalars: [2.5, 25]))
    #expect(abs(inference[flat: 0]) < 1e-5 && abs(inference[flat: 1]) < 1e-5)
  }

  /// Known answers: each sample (each position of an image) normalised over its features, the
  /// same in training and inference.
  @Test func layerNormNormalisesEachSampleOverItsFeatures() {
    let layer = LayerNorm(features: 4, name: "ln", epsilon: 0)
    layer.scale.value = Tensor(shape: [4], scalars: [1, 2, 1, 1])
    layer.shift.value = Tensor(shape: [4], scalars: [0, 0, 0, 10])
    // Sample 0: 1, 2, 3, 4 (mean 2.5, variance 1.25); sample 1: all 7 but one 11 (mean 8, variance 3).
    let input = Tensor(shape: [2, 4], scalars: [1, 2, 3, 4, 7, 7, 11, 7])
    let output = layer.forward(input, training: true)
    let s0 = 1 / Float(1.25).squareRoot(), s1 = 1 / Float(3).squareRoot()
    let expected: [Float] = [-1.5 * s0, 2 * -0.5 * s0, 0.5 * s0, 10 + 1.5 * s0, -s1, 2 * -s1, 3 * s1, 10 - s1]
    for i in 0..<8 { #expect(abs(output[flat: i] - expected[i]) < 1e-5, "element \(i)") }
    #expect(layer(input) == output)
    // [N, C, H, W]: the channels at each position, not the whole image.
    let image = LayerNorm(features: 2, name: "ln2", epsilon: 0)
    let planes = Tensor(shape: [1, 2, 1, 2], scalars: [1, 2, 3, 6])  // position 0: 1, 3; position 1: 2, 6
    let normalised = image(planes)
    #expect(normalised.scalars == [-1, -1, 1, 1])
  }

  @Test func backwardWithoutForwardIsAProgrammerError() async {
    await #expect(processExitsWith: .failure) {
      var rng = SplitMix64(seed: 1)
      let dense = Dense(inputSize: 2, outputSize: 2, name: "fc", using: &rng)
      _ = dense.backward(Tensor(shape: [1, 2]))
    }
  }

  @Test func wrongInputShapeIsAProgrammerError() async {
    await #expect(processExitsWith: .failure) {
      var rng = SplitMix64(seed: 1)
      let dense = Dense(inputSize: 3, outputSize: 2, name: "fc", using: &rng)
      _ = dense(Tensor(shape: [1, 4]))
    }
  }

  @Test func batchOneDenseUsesTheSameMathsAsABatch() {
    var rng = SplitMix64(seed: 2)
    let dense = Dense(inputSize: 7, outputSize: 5, name: "fc", using: &rng)
    dense.bias.value = Tensor(shape: [5], scalars: [1, 2, 3, 4, 5])
    let batch = Tensor(shape: [2, 7], scalars: (0..<14).map { _ in rng.nextUniform() })
    let both = dense(batch)
    let single = dense(Tensor(shape: [1, 7], scalars: Array(batch.scalars[7..<14])))
    for j in 0..<5 { #expect(abs(both[1, j] - single[0, j]) < 1e-5) }
  }

  @Test func initializersHaveTheirStandardDeviation() {
    var rng = SplitMix64(seed: 6)
    let he = Initializer.he.makeWeights(shape: [200, 50], fanIn: 50, using: &rng)
    let std = (he.squaredNorm() / Float(he.count)).squareRoot()
    #expect(abs(std - (2 / 50 as Float).squareRoot()) < 0.01)
    #expect(abs(Initializer.xavier.standardDeviation(fanIn: 100) - 0.1) < 1e-6)
    #expect(Initializer.normal(standardDeviation: 0.01).standardDeviation(fanIn: 7) == 0.01)
  }

  @Test func targetCopyByNameDoesNotAlias() {
    var rng = SplitMix64(seed: 9)
    let online = NetworkBenchmarks.minatarNetwork(seed: 1)
    let target = NetworkBenchmarks.minatarNetwork(seed: 2)
    target.copyParameters(from: online)
    #expect(target.namedTensors == online.namedTensors)
    let before = target.namedTensors
    online.parameters[0].value[flat: 0] += 1
    _ = rng.next()
    #expect(target.namedTensors == before)
    target.blend(toward: online, rate: 0.5)
    #expect(abs(target.parameters[0].value[flat: 0] - (before["conv1.weight"]![flat: 0] + 0.5)) < 1e-6)
  }

  @Test func sequentialDescribesItsArchitecture() {
    let text = "\(NetworkBenchmarks.minatarNetwork(seed: 1))"
    #expect(text.contains("Conv2D(4→16, 3×3"))
    #expect(text.contains("Dense(1024→128"))
  }
}
