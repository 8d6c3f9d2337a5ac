/// Scales all gradients so their global L2 norm is at most `maxNorm`; returns the norm before clipping.
/// Frozen parameters are left out: they are not trained, so their gradients neither count toward
/// the norm nor get scaled.
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
  precondition(maxNorm > 0, "maxNorm must be positive, but is \(maxNorm)")
  var squared: Float = 0
  for parameter in parameters where !parameter.isFrozen { squared += parameter.gradient.squaredNorm() }
  let norm = squared.squareRoot()
  if norm > maxNorm {
    let factor = maxNorm / (norm + 1e-6)
    for parameter in parameters where !parameter.isFrozen { parameter.gradient.scale(by: factor) }
  }
  return norm
}
