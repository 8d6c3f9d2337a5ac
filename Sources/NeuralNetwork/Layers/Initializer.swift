import Foundation

/// How a layer's weights are drawn at creation.
public enum Initializer: Sendable, Equatable, Codable {
  /// He et al. (2015): normal with std √(2 / fanIn), for ReLU networks.
  /// - Paper: https://arxiv.org/abs/1502.01852
  case he
  /// Glorot and Bengio (2010): normal with std √(1 / fanIn) as in the book, for sigmoid/tanh.
  case xavier
  /// Normal with a fixed standard deviation (the book's `weight_init_std = 0.01`).
  case normal(standardDeviation: Float)

  /// The standard deviation for a layer with `fanIn` inputs per output.
  public func standardDeviation(fanIn: Int) -> Float {
    switch self {
    case .he: return (2 / Float(max(fanIn, 1))).squareRoot()
    case .xavier: return (1 / Float(max(fanIn, 1))).squareRoot()
    case .normal(let standardDeviation): return standardDeviation
    }
  }

  /// A tensor of `shape` with weights drawn for `fanIn`.
  public func makeWeights<G: RandomNumberGenerator>(shape: [Int], fanIn: Int, using rng: inout G)
    -> Tensor
  {
    let std = standardDeviation(fanIn: fanIn)
    var tensor = Tensor(shape: shape)
    tensor.withUnsafeMutableBufferPointer { buffer in
      for index in 0..<buffer.count { buffer[index] = rng.nextGaussian() * std }
    }
    return tensor
  }
}
