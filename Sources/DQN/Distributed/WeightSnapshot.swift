import NeuralNetwork

/// The learner's online-network weights as one contiguous buffer (every parameter and buffer in
/// the network's order), with the number of learner updates they come from as their version.
public struct WeightSnapshot: Sendable, Equatable {
  /// Learner updates made when the weights were taken; versions a learner publishes only grow.
  public var version: Int
  public var values: [Float]

  public init(version: Int, values: [Float]) {
    self.version = version
    self.values = values
  }

  /// `network`'s parameters and buffers, concatenated.
  public init(version: Int, of network: Sequential) {
    var values: [Float] = []
    for parameter in network.parameters + network.buffers { values.append(contentsOf: parameter.value.scalars) }
    self.init(version: version, values: values)
  }

  /// Copies the weights into `network` (the same architecture as the one they were taken from).
  ///
  /// - Throws: `TransportError.malformed` when the sizes do not fit.
  public func load(into network: Sequential) throws(TransportError) {
    let owned = network.parameters + network.buffers
    let total = owned.reduce(0) { $0 + $1.value.count }
    guard total == values.count else {
      throw .malformed("weights of \(values.count) values do not fit a network of \(total)")
    }
    var offset = 0
    for parameter in owned {
      let count = parameter.value.count
      parameter.value = Tensor(shape: parameter.value.shape, scalars: Array(values[offset..<offset + count]))
      offset += count
    }
  }

  /// The bytes one weight sync sends: 4 per value plus an 8-byte version.
  public var wireBytes: Int { values.count * 4 + 8 }
}
