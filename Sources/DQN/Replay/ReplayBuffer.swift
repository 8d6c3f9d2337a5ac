import Foundation
import GridGames
import NeuralNetwork

/// Experience replay over a `FrameRing`: stacks frames and forms n-step returns when it samples,
/// uniformly or in proportion to priorities kept in a `SumTree`.
///
/// Frames are stored once; an observation is the last `stackDepth` frames of its episode, and a
/// stack never reaches across an episode start: the episode's first frame repeats into the
/// earlier positions (as `ObservationStack` does after a reset), so sampled observations
/// equal what the agent saw when it acted. The n-step sum stops at the episode's end;
/// `terminated` rows get bootstrap discount 0, `truncated` rows bootstrap from the final frame.
public final class ReplayBuffer {
  public let ring: FrameRing
  public let stackDepth: Int
  public let nStep: Int
  public let discount: Float
  /// `[stackDepth · C, H, W]`.
  public let observationShape: [Int]
  /// Prioritized replay's α (unused when uniform).
  public let priorityExponent: Float
  /// Priorities (p^α per slot) for prioritized replay; nil for uniform sampling.
  public private(set) var priorities: SumTree?
  /// The largest priority seen (new transitions get it).
  public private(set) var maxPriority: Double = 1
  /// Whether the next `add` starts an episode.
  public private(set) var isAtEpisodeStart = true

  /// - Precondition: `capacity >= 2`, `stackDepth >= 1`, `nStep >= 1`.
  public init(
    capacity: Int, frameShape: FrameShape, stackDepth: Int, nStep: Int = 1, discount: Float,
    prioritized: Bool = false, priorityExponent: Float = 0.6
  ) {
    precondition(stackDepth >= 1 && nStep >= 1, "ReplayBuffer needs stackDepth ≥ 1 and nStep ≥ 1, got \(stackDepth), \(nStep)")
    ring = FrameRing(capacity: capacity, frameShape: frameShape)
    self.stackDepth = stackDepth
    self.nStep = nStep
    self.discount = discount
    self.priorityExponent = priorityExponent
    observationShape = [stackDepth * frameShape.channels, frameShape.height, frameShape.width]
    priorities = prioritized ? SumTree(capacity: capacity) : nil
  }

  /// Slots holding data (transitions plus episodes' final frames).
  public var count: Int { ring.count }
  public var capacity: Int { ring.capacity }

  /// Stores one step: `frame` is the frame the agent acted in (the newest of its stack).
  public func add(frame: Frame, action: Int, reward: Float, terminated: Bool, truncated: Bool) {
    var bits = FrameRing.transitionBit
    if terminated { bits |= FrameRing.terminatedBit }
    if truncated { bits |= FrameRing.truncatedBit }
    if isAtEpisodeStart { bits |= FrameRing.episodeStartBit }
    let slot = ring.append(frame: frame, action: action, reward: reward, flags: bits)
    priorities?.set(slot, to: Self.power(maxPriority, priorityExponent))
    isAtEpisodeStart = false
  }

  /// Stores an episode's final frame (the observation after its last step), which truncated
  /// steps bootstrap from; the next `add` starts a new episode.
  public func addFinal(frame: Frame) {
    precondition(!isAtEpisodeStart, "addFinal needs an episode with at least one step")
    let slot = ring.append(frame: frame, action: 0, reward: 0, flags: 0)
    priorities?.set(slot, to: 0)
    isAtEpisodeStart = true
  }

  /// The absolute index to bootstrap from when sampling transition `index`, or nil if `index`
  /// cannot be sampled yet (not a transition, its n steps or stacks not all stored).
  func bootstrapIndex(of index: Int) -> Int? {
    let added = ring.addedCount
    guard index >= ring.oldestIndex && index < added else { return nil }
    var next = index
    for _ in 0..<nStep {
      guard next < added else { return nil }
      let bits = ring.flags(at: next)
      guard bits & FrameRing.transitionBit != 0 else { return nil }
      next += 1
      if bits & (FrameRing.terminatedBit | FrameRing.truncatedBit) != 0 { break }
    }
    guard next < added, canStack(index), canStack(next) else { return nil }
    return next
  }

  /// Whether the stack ending at `index` is fully stored.
  private func canStack(_ index: Int) -> Bool {
    var current = index
    let oldest = ring.oldestIndex
    for _ in 1..<max(stackDepth, 1) {
      if ring.flags(at: current) & FrameRing.episodeStartBit != 0 { return true }
      current -= 1
      if current < oldest { return false }
    }
    return true
  }

  /// Writes the stacked observation ending at absolute `index` at `destination` (`k·C·H·W` floats).
  private func writeStack(endingAt index: Int, into destination: UnsafeMutablePointer<Float>) {
    let shape = ring.frameShape
    let frameFloats = shape.byteCount
    var current = index
    for position in stride(from: stackDepth - 1, through: 0, by: -1) {
      FramePixels.write(ring.frame(at: current), shape: shape, into: destination + position * frameFloats)
      if position > 0 && ring.flags(at: current) & FrameRing.episodeStartBit == 0 { current -= 1 }
    }
  }

  /// Whether `sample` can draw: at least one stored transition is complete.
  public var canSample: Bool {
    let oldest = ring.oldestIndex
    var index = ring.addedCount - 1
    while index >= oldest {
      if bootstrapIndex(of: index) != nil { return true }
      index -= 1
      if ring.addedCount - index > 4 * (nStep + stackDepth) + 8 { break }
    }
    return false
  }

  /// Fills `batch` with `batch.batchSize` sampled transitions.
  ///
  /// - Parameter importanceExponent: β for prioritized replay's importance weights.
  /// - Precondition: `canSample`.
  public func sample<G: RandomNumberGenerator>(
    into batch: ReplayBatch, importanceExponent: Float = 1, using rng: inout G
  ) {
    precondition(ring.count > 0, "sample from an empty replay buffer")
    precondition(batch.observations.shape == [batch.batchSize] + observationShape,
      "batch observations \(batch.observations.shape) do not fit \(observationShape)")
    let rows = batch.batchSize
    let oldest = ring.oldestIndex
    let stored = ring.count
    let floatsPerObservation = observationShape.reduce(1, *)
    var maximumWeight: Float = 0
    for row in 0..<rows {
      var index = 0
      var bootstrap = 0
      var tries = 0
      while true {
        tries += 1
        precondition(tries < 100_000, "replay sampling found no complete transition in \(stored) slots")
        if let tree = priorities {
          // Stratified on the first try, then anywhere.
          let u = rng.nextUniformDouble()
          let mass = tries == 1 ? (Double(row) + u) * tree.total / Double(rows) : u * tree.total
          let slot = tree.find(mass: mass)
          index = oldest + ((slot - oldest % capacity) + capacity) % capacity
        } else {
          index = oldest + rng.nextInt(below: stored)
        }
        if let found = bootstrapIndex(of: index) {
          bootstrap = found
          break
        }
      }
      let base = index
      let result = nStepReturn(steps: bootstrap - base, discount: discount) { k in
        let bits = ring.flags(at: base + k)
        return (ring.reward(at: base + k), bits & FrameRing.terminatedBit != 0, bits & FrameRing.truncatedBit != 0)
      }
      batch.actions[row] = ring.action(at: index)
      batch.rewards[row] = result.reward
      batch.bootstrapDiscounts[row] = result.bootstrapDiscount
      batch.indices[row] = index
      batch.observations.withUnsafeMutableBufferPointer { buffer in
        if let start = buffer.baseAddress { writeStack(endingAt: index, into: start + row * floatsPerObservation) }
      }
      batch.nextObservations.withUnsafeMutableBufferPointer { buffer in
        if let start = buffer.baseAddress { writeStack(endingAt: bootstrap, into: start + row * floatsPerObservation) }
      }
      if let tree = priorities {
        let probability = tree[index % capacity] / tree.total
        let weight = Float(Self.power(Double(stored) * probability, -importanceExponent))
        batch.weights[row] = weight
        maximumWeight = max(maximumWeight, weight)
      } else {
        batch.weights[row] = 1
      }
    }
    if priorities != nil, maximumWeight > 0 {
      for row in 0..<rows { batch.weights[row] /= maximumWeight }
    }
  }

  /// Sets the priorities of sampled transitions to `(|error| + epsilon)^α`.
  public func updatePriorities(indices: [Int], errors: [Float], epsilon: Float) {
    guard priorities != nil else { return }
    for (index, error) in zip(indices, errors) where index >= ring.oldestIndex {
      let priority = Double(abs(error) + epsilon)
      guard priority.isFinite else { continue }
      maxPriority = max(maxPriority, priority)
      priorities?.set(index % capacity, to: Self.power(priority, priorityExponent))
    }
  }

  static func power(_ base: Double, _ exponent: Float) -> Double {
    exponent == 1 ? base : Foundation.pow(base, Double(exponent))
  }

  // MARK: - Checkpoint support

  func restore(addedCount: Int, maxPriority: Double, isAtEpisodeStart: Bool, leaves: [Double]?) {
    ring.addedCount = addedCount
    self.maxPriority = maxPriority
    self.isAtEpisodeStart = isAtEpisodeStart
    if let leaves { priorities?.restore(leaves: leaves) }
  }
}
