/// How a `ReplayBuffer` picks the transitions of a batch and weighs them: uniformly
/// (`UniformSampler`) or in proportion to priorities (`PrioritizedSampler`).
///
/// The buffer owns the storage (`FrameRing`) and decides which drawn slots are complete
/// transitions; the sampler only proposes slots, weighs the rows drawn and learns from their TD
/// errors.
public protocol ReplaySampler: AnyObject {
  /// Slot `slot` of the ring was just written: a transition, or an episode's final frame (which
  /// is never drawn).
  func didStore(slot: Int, isTransition: Bool)

  /// An absolute index to try for row `row` of a batch of `rows` (the buffer retries until the
  /// index is a complete transition; `attempt` counts from 1).
  func candidate<G: RandomNumberGenerator>(
    row: Int, of rows: Int, attempt: Int, in ring: FrameRing, using rng: inout G) -> Int

  /// Writes the importance weights of `batch`'s rows, whose `indices` are filled.
  ///
  /// - Parameter step: the environment step (prioritized replay anneals β with it).
  func weigh(_ batch: ReplayBatch, in ring: FrameRing, step: Int)

  /// Takes in the TD errors of the transitions at absolute `indices` (a batch just learned from).
  func updatePriorities(indices: [Int], errors: [Float], in ring: FrameRing)

  /// A sampler with the same settings that has seen nothing.
  func makeEmpty() -> any ReplaySampler

  // MARK: Replay files

  /// Whether replay files of this sampler hold priorities (the header's `prioritized` field).
  var keepsPriorities: Bool { get }
  /// The largest priority seen and every slot's priority, or nil when `keepsPriorities` is false.
  var savedPriorities: (maxPriority: Double, leaves: [Double])? { get }
  /// Restores what `savedPriorities` gave.
  func restorePriorities(maxPriority: Double, leaves: [Double])
}
