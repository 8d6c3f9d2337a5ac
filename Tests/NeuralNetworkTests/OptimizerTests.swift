import CKernels
import Testing

@testable import NeuralNetwork

@Suite struct OptimizerTests {
  static let cases: [(String, any Optimizer)] = [
    ("sgd", SGD(learningRate: 0.1)),
    ("momentum", Momentum(learningRate: 0.05)),
    ("nesterov", Momentum(learningRate: 0.05, nesterov: true)),
    ("adagrad", AdaGrad(learningRate: 0.5)),
    ("rmsprop", RMSProp(learningRate: 0.01)),
    ("centered-rmsprop", RMSProp(learningRate: 0.01, decay: 0.95, epsilon: 0.01, centered: true)),
    ("adam", Adam(learningRate: 0.05)),
  ]

  /// Fits y = 3x − 2 with a 1→1 dense layer and MSE.
  @Test(arguments: 0..<cases.count)
  func everyOptimizerFitsALine(index: Int) {
    var (name, optimizer) = Self.cases[index]
    var rng = SplitMix64(seed: 1)
    let dense = Dense(inputSize: 1, outputSize: 1, name: "line", using: &rng)
    let xs = Tensor(shape: [8, 1], scalars: (0..<8).map { Float($0) / 4 - 1 })
    let ys = Tensor(shape: [8, 1], scalars: xs.scalars.map { 3 * $0 - 2 })
    let loss = MeanSquaredError()
    for _ in 0..<600 {
      dense.zeroGradients()
      _ = loss.forward(dense.forward(xs, training: true), targets: ys)
      _ = dense.backward(loss.backward())
      optimizer.update(dense.parameters)
    }
    #expect(abs(dense.weight.value[flat: 0] - 3) < 0.05, "\(name)")
    #expect(abs(dense.bias.value[flat: 0] + 2) < 0.05, "\(name)")
  }

  /// Adam and RMSProp (plain and centered) split a large tensor's elements over the threads: the
  /// same bits on 1, 2 and 3 threads, over several steps, for sizes around the split's edges.
  @Test func optimizersGiveTheSameBitsOnAnyThreadCount() {
    let threads = ComputeThreads.count
    defer { ckernels_set_threads(Int32(threads)) }
    func run(_ make: () -> any Optimizer, count: Int, threadCount: Int) -> [UInt32] {
      ckernels_set_threads(Int32(threadCount))
      var rng = SplitMix64(seed: 71)
      let parameter = Parameter(name: "w", value: Tensor(shape: [count], scalars: (0..<count).map { _ in rng.nextUniform() - 0.5 }))
      var optimizer = make()
      for step in 0..<3 {
        parameter.gradient = Tensor(shape: [count], scalars: (0..<count).map { _ in (rng.nextUniform() - 0.5) * Float(step + 1) })
        optimizer.update([parameter])
      }
      return parameter.value.scalars.map(\.bitPattern)
    }
    let optimizers: [(String, () -> any Optimizer)] = [
      ("adam", { Adam(learningRate: 0.01) }), ("rmsprop", { RMSProp(learningRate: 0.01) }),
      ("centered-rmsprop", { RMSProp(learningRate: 0.01, decay: 0.95, epsilon: 0.01, centered: true) }),
    ]
    for (name, make) in optimizers {
      for count in [32_767, 32_768, 131_072, 100_003] {
        let one = run(make, count: count, threadCount: 1)
        for threadCount in [2, 3] {
          #expect(run(make, count: count, threadCount: threadCount) == one, "\(name), \(count) elements, \(threadCount) threads")
        }
      }
    }
  }

  /// Adding tensors split over the threads gives the bits of `add` on one thread.
  @Test func addingUsingThreadsGivesTheBitsOfAdd() {
    let threads = ComputeThreads.count
    defer { ckernels_set_threads(Int32(threads)) }
    var rng = SplitMix64(seed: 72)
    for count in [5, 32_768, 100_003] {
      let a = Tensor(shape: [count], scalars: (0..<count).map { _ in rng.nextUniform() - 0.5 })
      let b = Tensor(shape: [count], scalars: (0..<count).map { _ in rng.nextUniform() * 1e-3 })
      var expected = a
      expected.add(b)
      for threadCount in [1, 2, 3] {
        ckernels_set_threads(Int32(threadCount))
        var sum = a
        sum.addUsingThreads(b)
        #expect(sum.scalars.map(\.bitPattern) == expected.scalars.map(\.bitPattern), "\(count) elements, \(threadCount) threads")
      }
    }
  }

  @Test func adamFirstStepMovesByTheLearningRate() {
    let parameter = Parameter(name: "w", value: Tensor(shape: [2], scalars: [1, -1]))
    parameter.gradient = Tensor(shape: [2], scalars: [0.3, -7])
    var adam = Adam(learningRate: 0.1)
    adam.update([parameter])
    // With bias correction the first step is −η·sign(g) (up to ε).
    #expect(abs(parameter.value[flat: 0] - 0.9) < 1e-5)
    #expect(abs(parameter.value[flat: 1] + 0.9) < 1e-5)
  }

  @Test func centeredRMSPropMatchesPyTorchByHand() {
    let parameter = Parameter(name: "w", value: Tensor(shape: [1], scalars: [1]))
    parameter.gradient = Tensor(shape: [1], scalars: [2])
    var optimizer = RMSProp(learningRate: 0.01, decay: 0.95, epsilon: 0.01, centered: true)
    optimizer.update([parameter])
    // v = 0.05·4 = 0.2; m = 0.05·2 = 0.1; denominator √(0.2 − 0.01) + 0.01.
    let expected = 1 - 0.01 * 2 / ((0.19 as Float).squareRoot() + 0.01)
    #expect(abs(parameter.value[flat: 0] - expected) < 1e-6)
  }

  /// Moments of parameters whose gradient stays zero must reach 0, not the (very slow) subnormals.
  @Test func vanishingMomentsAreFlushedToZero() throws {
    let parameter = Parameter(name: "w", value: Tensor(shape: [9], repeating: 1))
    let tiny = Tensor(shape: [9], repeating: 1e-31)
    var adam = Adam()
    try adam.restore(["w.m": tiny, "w.v": tiny, "step": Tensor(shape: [1], scalars: [5])])
    var rmsProp = RMSProp(centered: true)
    try rmsProp.restore(["w.square_avg": tiny, "w.grad_avg": tiny])
    adam.update([parameter])
    rmsProp.update([parameter])
    for state in [adam.state["w.m"], adam.state["w.v"], rmsProp.state["w.square_avg"], rmsProp.state["w.grad_avg"]] {
      #expect(try #require(state).scalars.allSatisfy { $0 == 0 })
    }
    #expect(parameter.value.scalars.allSatisfy { $0 == 1 })
  }

  @Test func weightDecaySkipsBiases() {
    let weight = Parameter(name: "w", value: Tensor(shape: [1], scalars: [2]))
    let bias = Parameter(name: "b", value: Tensor(shape: [1], scalars: [2]), decays: false)
    var sgd = SGD(learningRate: 0.5, weightDecay: 0.1)
    sgd.update([weight, bias])
    #expect(abs(weight.value[flat: 0] - 1.9) < 1e-6)
    #expect(bias.value[flat: 0] == 2)
  }

  @Test func gradientClippingScalesTheGlobalNorm() {
    let a = Parameter(name: "a", value: Tensor(shape: [2]))
    let b = Parameter(name: "b", value: Tensor(shape: [1]))
    a.gradient = Tensor(shape: [2], scalars: [3, 0])
    b.gradient = Tensor(shape: [1], scalars: [4])
    let norm = clipGradientNorm([a, b], maxNorm: 1)
    #expect(abs(norm - 5) < 1e-6)
    #expect(abs(a.gradient[flat: 0] - 0.6) < 1e-4 && abs(b.gradient[flat: 0] - 0.8) < 1e-4)
  }

  /// Saving and restoring the state continues bit for bit.
  @Test func stateRoundTripsExactly() throws {
    func makeParameter() -> Parameter {
      let p = Parameter(name: "w", value: Tensor(shape: [3], scalars: [1, 2, 3]))
      p.gradient = Tensor(shape: [3], scalars: [0.1, -0.2, 0.3])
      return p
    }
    for kind in OptimizerKind.allCases {
      let first = makeParameter()
      var optimizer = kind.make(learningRate: 0.01)
      optimizer.update([first])
      var resumed = kind.make(learningRate: 0.01)
      try resumed.restore(optimizer.state)
      let second = makeParameter()
      second.value = first.value
      optimizer.update([first])
      resumed.update([second])
      #expect(first.value == second.value, "\(kind)")
    }
  }

  /// XOR needs the hidden layer: a 2-8-2 network with tanh learns it.
  @Test func learnsXOR() {
    var rng = SplitMix64(seed: 5)
    let network = Sequential([
      Dense(inputSize: 2, outputSize: 8, name: "fc1", initializer: .xavier, using: &rng), Activation.tanh,
      Dense(inputSize: 8, outputSize: 2, name: "fc2", initializer: .xavier, using: &rng),
    ])
    let inputs = Tensor(shape: [4, 2], scalars: [0, 0, 0, 1, 1, 0, 1, 1])
    let labels = [0, 1, 1, 0]
    let loss = SoftmaxCrossEntropy()
    var adam = Adam(learningRate: 0.05)
    for _ in 0..<300 {
      network.zeroGradients()
      _ = loss.forward(network.forward(inputs, training: true), labels: labels)
      _ = network.backward(loss.backward())
      adam.update(network.parameters)
    }
    #expect(network(inputs).argmaxRows() == labels)
  }
}
