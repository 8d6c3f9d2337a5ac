/// What a `DQNAgent`'s updates measured since the statistics were last taken (one
/// `metrics.csv` row's worth).
public struct LearningStatistics: Codable, Sendable, Equatable {
  public var updates = 0
  public var lossSum: Double = 0
  /// The sum over updates of the batch mean of `max_a Q(s, a)`.
  public var maxQSum: Double = 0

  public init() {}

  /// The mean loss, nil when there were no updates.
  public var meanLoss: Double? { updates > 0 ? lossSum / Double(updates) : nil }
  /// The mean of the batches' mean max-Q, nil when there were no updates.
  public var meanMaxQ: Double? { updates > 0 ? maxQSum / Double(updates) : nil }

  mutating func record(_ result: DQNAgent.UpdateResult) {
    lossSum += Double(result.loss)
    maxQSum += Double(result.meanMaxQ)
    updates += 1
  }

  // Keys of `state.json` as earlier versions wrote them.
  enum CodingKeys: String, CodingKey {
    case updates = "updatesSinceRow"
    case lossSum, maxQSum
  }
}
