import Foundation

/// How the learning rate changes over epochs.
public enum LearningRateSchedule: String, Codable, Sendable, CaseIterable {
  /// The same rate every epoch.
  case constant
  /// Cosine annealing from the base rate down to 5% of it at the last epoch.
  /// - Paper: https://arxiv.org/abs/1608.03983
  case cosine

  /// The rate for `epoch` (1-based) of `epochs`.
  public func rate(base: Float, epoch: Int, epochs: Int) -> Float {
    switch self {
    case .constant: return base
    case .cosine:
      guard epochs > 1 else { return base }
      let progress = Double(epoch - 1) / Double(epochs - 1)
      let floor = 0.05
      return base * Float(floor + (1 - floor) * 0.5 * (1 + Foundation.cos(Double.pi * progress)))
    }
  }
}
