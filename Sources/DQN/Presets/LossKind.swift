/// The loss on TD errors.
public enum LossKind: String, Sendable, CaseIterable, Codable {
  case huber
  /// ½(q − target)², the MSE of the original DQN (without the factor 2).
  case squared
}
