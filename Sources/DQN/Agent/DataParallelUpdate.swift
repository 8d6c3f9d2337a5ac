import NeuralNetwork

/// `DQNAgent.learn()`'s gradient on two threads: the batch is cut in two halves, and each thread
/// runs the target forward, the (Double) online forward, the TD targets, the training forward,
/// the loss and the backward for its half, the first on the agent's own networks and the second
/// on replicas that hold the same weights. The replica's gradient is then added to the online
/// network's, and the agent goes on as with one thread (clipping, optimizer step, priorities,
/// target update).
///
/// Each half divides its loss by the whole batch's size, so the sum of the halves is the batch's
/// loss and gradient: only the order of the additions differs from one thread, so results are
/// close to, not bit-identical with, a one-thread run. They are the same from run to run (each
/// half is always the same rows, on its own network), so a run with two threads resumes bit for
/// bit with two threads.
///
/// Why: MinAtar's matrix products are too small to split across cores one by one (a product
/// takes a few microseconds, as long as waking the other core), but a half-batch update is
/// hundreds of microseconds of work per thread with one meeting point.
final class DataParallelUpdate {
  /// The replica of the online network (half 1's) and of the target network.
  let replicaOnline: Sequential
  let replicaTarget: Sequential
  private let onlineParameters: [Parameter]
  private let replicaParameters: [Parameter]
  private let halves: [Half]
  /// The target network's parameter versions when the replica last copied them.
  private var replicaTargetVersion = -1
  /// Each row's TD error, both halves together (for the priorities).
  private(set) var errors: [Float]

  /// One half of the batch: its rows copied out of the batch, and its workspaces.
  final class Half {
    let rows: Range<Int>
    var observations: Tensor
    var nextObservations: Tensor
    var actions: [Int]
    var rewards: [Float]
    var bootstrapDiscounts: [Float]
    var weights: [Float]
    var nextValues: [Float]
    var targets: [Float]
    let loss: HuberLoss
    var lossValue: Float = 0
    var maximumSum: Float = 0

    init(rows: Range<Int>, observationShape: [Int], delta: Float) {
      self.rows = rows
      observations = Tensor(shape: [rows.count] + observationShape)
      nextObservations = Tensor(shape: [rows.count] + observationShape)
      actions = [Int](repeating: 0, count: rows.count)
      rewards = [Float](repeating: 0, count: rows.count)
      bootstrapDiscounts = [Float](repeating: 0, count: rows.count)
      weights = [Float](repeating: 1, count: rows.count)
      nextValues = [Float](repeating: 0, count: rows.count)
      targets = [Float](repeating: 0, count: rows.count)
      loss = HuberLoss(delta: delta)
    }

    /// Copies this half's rows out of `batch`.
    func take(_ batch: ReplayBatch) {
      let sample = batch.observations.count / batch.batchSize
      let start = rows.lowerBound * sample
      Self.copy(batch.observations, from: start, into: &observations)
      Self.copy(batch.nextObservations, from: start, into: &nextObservations)
      for (index, row) in rows.enumerated() {
        actions[index] = batch.actions[row]
        rewards[index] = batch.rewards[row]
        bootstrapDiscounts[index] = batch.bootstrapDiscounts[row]
        weights[index] = batch.weights[row]
      }
    }

    private static func copy(_ source: Tensor, from start: Int, into destination: inout Tensor) {
      source.withUnsafeBufferPointer { from in
        destination.withUnsafeMutableBufferPointer { to in
          guard let target = to.baseAddress, let origin = from.baseAddress else { return }
          target.update(from: origin + start, count: to.count)
        }
      }
    }

    /// The half's gradient (added to `online`'s parameters' gradients, which start at zero).
    func run(online: Sequential, target: Sequential, double: Bool, batchSize: Int) {
      online.zeroGradients()
      let targetNext = target(nextObservations)
      let onlineNext = double ? online(nextObservations) : nil
      bootstrapValues(targetNext: targetNext, onlineNext: onlineNext, into: &nextValues)
      temporalDifferenceTargets(
        rewards: rewards, bootstrapDiscounts: bootstrapDiscounts, nextValues: nextValues, into: &targets)
      let q = online.forward(observations, training: true)
      lossValue = loss.forward(q, actions: actions, targets: targets, rowWeights: weights, normalizer: batchSize)
      maximumSum = q.withUnsafeBufferPointer { values in
        let columns = q.shape[1]
        var total: Float = 0
        for row in 0..<rows.count {
          var best = values[row * columns]
          for a in 1..<max(columns, 1) { best = max(best, values[row * columns + a]) }
          total += best
        }
        return total
      }
      _ = online.backward(loss.backward())
    }
  }

  /// - Parameters:
  ///   - online: the agent's online network.
  ///   - replicas: a second online and a second target network of the same architecture.
  ///   - batchSize: the batch to split (at least 2).
  init(
    online: Sequential, replicas: (online: Sequential, target: Sequential), batchSize: Int, observationShape: [Int],
    delta: Float
  ) {
    precondition(batchSize >= 2, "a data-parallel update needs a batch of at least 2, got \(batchSize)")
    replicaOnline = replicas.online
    replicaTarget = replicas.target
    onlineParameters = online.parameters
    replicaParameters = replicas.online.parameters
    precondition(
      onlineParameters.count == replicaParameters.count
        && zip(onlineParameters, replicaParameters).allSatisfy { $0.name == $1.name && $0.value.shape == $1.value.shape },
      "the replica must have the online network's parameters")
    let half = batchSize / 2
    halves = [
      Half(rows: 0..<half, observationShape: observationShape, delta: delta),
      Half(rows: half..<batchSize, observationShape: observationShape, delta: delta),
    ]
    errors = [Float](repeating: 0, count: batchSize)
  }

  /// Whether `network` can be split this way: no frozen layers (the replica would need them
  /// frozen too) and no buffers (batch statistics would differ by half).
  static func supports(_ network: Sequential) -> Bool {
    network.frozenPrefixCount == 0 && network.buffers.isEmpty && !network.parameters.contains { $0.isFrozen }
  }

  /// The batch's loss and mean max-Q, with the gradient summed into `online`'s parameters and the
  /// TD errors in `errors`.
  func gradient(
    of batch: ReplayBatch, online: Sequential, target: Sequential, double: Bool
  ) -> (loss: Float, meanMaxQ: Float) {
    let targetVersion = Self.versionSum(target)
    let targetChanged = targetVersion != replicaTargetVersion
    replicaTargetVersion = targetVersion
    let batchSize = batch.batchSize
    let halves = halves
    let (replicaOnline, replicaTarget) = (replicaOnline, replicaTarget)
    // Each thread fetches its own half and the second one brings its replicas up to date: both
    // only read the batch and the agent's networks until the halves' work begins.
    ComputeThreads.parallelFor(2) { index in
      if index == 1 {
        replicaOnline.copyParameters(from: online)
        if targetChanged { replicaTarget.copyParameters(from: target) }
      }
      halves[index].take(batch)
      halves[index].run(
        online: index == 0 ? online : replicaOnline, target: index == 0 ? target : replicaTarget, double: double,
        batchSize: batchSize)
    }
    // The replica's gradient added to the online network's: element-wise, split over the threads
    // for large tensors, so the same bits as one thread.
    for (parameter, replica) in zip(onlineParameters, replicaParameters) {
      parameter.gradient.addUsingThreads(replica.gradient)
    }
    for half in halves {
      for (index, row) in half.rows.enumerated() { errors[row] = half.loss.lastErrors[index] }
    }
    return (
      halves[0].lossValue + halves[1].lossValue,
      (halves[0].maximumSum + halves[1].maximumSum) / Float(batchSize)
    )
  }

  private static func versionSum(_ network: Sequential) -> Int {
    var total = 0
    for parameter in network.parameters { total &+= parameter.version }
    return total
  }
}
