extension Duration {
  /// The duration in seconds, with its fraction.
  var totalSeconds: Double {
    Double(components.seconds) + Double(components.attoseconds) * 1e-18
  }
}
