extension AgentPreset {
  /// Checks the values that must fit together.
  ///
  /// - Throws: `PresetError.inconsistent` naming the key.
  public func validate(file: String) throws(PresetError) {
    if batchSize > bufferSize {
      throw .inconsistent(file: file, key: "batchSize", message: "batch size \(batchSize) is larger than bufferSize \(bufferSize)")
    }
    if algorithm == .pqn && (environments * rolloutSteps) % minibatches != 0 {
      throw .inconsistent(
        file: file, key: "minibatches",
        message: "\(minibatches) minibatches do not divide a batch of environments × rolloutSteps = \(environments * rolloutSteps) transitions")
    }
    if nStep >= bufferSize / 2 {
      throw .inconsistent(file: file, key: "nStep", message: "nStep \(nStep) needs a bufferSize above \(2 * nStep), got \(bufferSize)")
    }
  }
}
