import CKernels

@testable import NeuralNetwork

/// How many elements differ in their bits (or all, when the counts differ).
func bitDifferences(_ a: [Float], _ b: [Float]) -> Int {
  a.count == b.count ? zip(a, b).count { $0.bitPattern != $1.bitPattern } : max(a.count, b.count)
}

/// Runs `body` with CKernels on 1 thread, then on 2 (passing the count), and restores the count.
func onOneAndTwoThreads(_ body: (Int) -> Void) {
  let threads = ComputeThreads.count
  defer { ckernels_set_threads(Int32(threads)) }
  for count in [1, 2] {
    ckernels_set_threads(Int32(count))
    body(count)
  }
}

/// The bits of a dense layer's weight, bias and input gradients for `gradient` after a training
/// forward of `input`, twice over (the second onto gradients zeroed again), with `paths`.
func denseLayerGradientBits(input: Tensor, gradient: Tensor, seed: UInt64, paths: FastPaths) -> [[UInt32]] {
  let layer = makeDense(inputSize: input.shape[1], outputSize: gradient.shape[1], seed: seed, paths: paths) { Float($0 % 5) * 0.1 }
  var result: [[UInt32]] = []
  for _ in 0..<2 {
    layer.weight.zeroGradient()
    layer.bias.zeroGradient()
    _ = layer.forward(input, training: true)
    let dx = layer.backward(gradient)
    result += [layer.weight.gradient.scalars.map(\.bitPattern), layer.bias.gradient.scalars.map(\.bitPattern), dx.scalars.map(\.bitPattern)]
  }
  return result
}
