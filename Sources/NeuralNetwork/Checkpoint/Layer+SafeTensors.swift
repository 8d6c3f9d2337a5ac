import Foundation

extension Layer {
  /// The parameters and buffers by name (the safetensors keys).
  public var namedTensors: [String: Tensor] {
    var result: [String: Tensor] = [:]
    for parameter in parameters + buffers { result[parameter.name] = parameter.value }
    return result
  }

  /// Copies values from `tensors` into the parameters and buffers with the same names.
  ///
  /// - Throws: `CheckpointError` naming the first missing, extra or wrongly shaped tensor, or one
  ///   holding NaN or infinity; on error nothing has been changed.
  public func load(_ tensors: [String: Tensor], file: String) throws {
    let owned = parameters + buffers
    for parameter in owned {
      guard let value = tensors[parameter.name] else {
        throw CheckpointError.missingTensor(name: parameter.name, file: file)
      }
      guard value.shape == parameter.value.shape else {
        throw CheckpointError.shapeMismatch(name: parameter.name, expected: parameter.value.shape, found: value.shape, file: file)
      }
      if let bad = value.firstNonFinite {
        throw CheckpointError.nonFinite(name: parameter.name, index: bad.index, value: bad.value, file: file)
      }
    }
    let names = Set(owned.map(\.name))
    if let extra = tensors.keys.sorted().first(where: { !names.contains($0) }) {
      throw CheckpointError.unexpectedTensor(name: extra, file: file)
    }
    for parameter in owned { parameter.value = tensors[parameter.name] ?? parameter.value }
  }

  /// Saves the parameters and buffers to a safetensors file (atomically).
  public func save(to url: URL, metadata: [String: String] = [:]) throws {
    try SafeTensors.write(namedTensors, metadata: metadata, to: url)
  }

  /// Loads parameters and buffers from a safetensors file.
  public func load(from url: URL) throws {
    try load(SafeTensors.read(url).tensors, file: url.path)
  }

  /// Copies every parameter and buffer value from `source`, matching by name (a hard target sync).
  ///
  /// - Precondition: both have the same names and shapes (same architecture).
  public func copyParameters(from source: Layer) {
    let values = source.namedTensors
    for parameter in parameters + buffers {
      guard let value = values[parameter.name], value.shape == parameter.value.shape else {
        preconditionFailure("copyParameters: source lacks '\(parameter.name)' with shape \(parameter.value.shape)")
      }
      parameter.value = value
    }
  }

  /// Moves every parameter a fraction `rate` toward `source`'s (Polyak averaging): `θ ← (1−τ)θ + τθ'`.
  public func blend(toward source: Layer, rate: Float) {
    precondition((0...1).contains(rate), "blend rate must be in [0, 1], but is \(rate)")
    let values = source.namedTensors
    for parameter in parameters + buffers {
      guard let value = values[parameter.name], value.count == parameter.value.count else {
        preconditionFailure("blend: source lacks '\(parameter.name)' with shape \(parameter.value.shape)")
      }
      parameter.value.scale(by: 1 - rate)
      parameter.value.add(value, scale: rate)
    }
  }
}
