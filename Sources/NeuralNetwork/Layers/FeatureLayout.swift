/// The (batch, spatial) extents of a normalisation layer's input, `[N, F]` or `[N, F, H, W]`:
/// the element of sample n, feature f and position s sits at `(n·F + f)·spatial + s`.
/// Shared by `BatchNorm` and `LayerNorm`.
func featureLayout(_ shape: [Int], features: Int, layer: CustomStringConvertible) -> (batch: Int, spatial: Int) {
  precondition(
    (shape.count == 2 || shape.count == 4) && shape[1] == features,
    "\(layer) expects [N, \(features)] or [N, \(features), H, W], got \(shape)")
  return (shape[0], shape.count == 4 ? shape[2] * shape[3] : 1)
}
