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
    // Same description, same names in the same order: copy into the existing storage (the
    // periodic target sync then allocates nothing, and the online network's next step does not
    // have to copy storage it would otherwise share); otherwise match by name.
    if let pairs = alignedParameters(with: source) {
      for (parameter, other) in pairs where parameter !== other {
        other.value.withUnsafeBufferPointer { from in
          parameter.value.withUnsafeMutableBufferPointer { to in
            guard let target = to.baseAddress, let origin = from.baseAddress else { return }
            target.update(from: origin, count: from.count)
          }
        }
      }
      return
    }
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
    // Networks built from one description list the same names in the same order: pair them
    // directly (this runs after every update and must not allocate); otherwise match by name.
    if let pairs = alignedParameters(with: source) {
      for (parameter, other) in pairs {
        parameter.value.scale(by: 1 - rate)
        parameter.value.add(other.value, scale: rate)
      }
      return
    }
    let values = source.namedTensors
    for parameter in parameters + buffers {
      guard let value = values[parameter.name], value.count == parameter.value.count else {
        preconditionFailure("blend: source lacks '\(parameter.name)' with shape \(parameter.value.shape)")
      }
      parameter.value.scale(by: 1 - rate)
      parameter.value.add(value, scale: rate)
    }
  }

  /// This layer's and `source`'s parameters side by side, when both have no buffers and the same
  /// names and shapes in the same order (networks built from one description); nil otherwise.
  private func alignedParameters(with source: Layer) -> Zip2Sequence<[Parameter], [Parameter]>? {
    let mine = parameters
    let theirs = source.parameters
    guard mine.count == theirs.count, buffers.isEmpty, source.buffers.isEmpty else { return nil }
    for (parameter, other) in zip(mine, theirs) where parameter.name != other.name || parameter.value.shape != other.value.shape {
      return nil
    }
    return zip(mine, theirs)
  }
}
