import NeuralNetwork

/// The hyperparameters of a DQN agent, as an `Agents/NAME.yaml` file describes them.
///
/// Every field has a default, so a preset names only what differs. Schedules are in environment
/// steps (or learner updates where a name says so), never fractions of a planned run, so a run
/// extended with `--resume` follows the same schedule as one planned longer from the start.
public struct AgentPreset: Sendable, Equatable {
  /// `dqn` (replay and a target network) or `pqn` (parallel environments, λ-returns).
  public var algorithm: AlgorithmKind = .dqn

  // MARK: Network
  /// The Q-network's body: `small` (dense 64 → 64, for tiny boards), `minatar` or `nature`.
  public var network: NetworkKind = .small
  /// Splits the head into value and advantage streams (Wang et al. 2016).
  public var dueling = false

  // MARK: Optimisation
  public var optimizer: OptimizerKind = .adam
  public var learningRate: Float = 1e-3
  /// Adam's ε (Dopamine's MinAtar Rainbow uses 3.125e-4); other optimizers ignore it.
  public var adamEpsilon: Float = 1e-8
  /// The loss on TD errors: Huber (`huber`) or half the squared error (`squared`).
  public var loss: LossKind = .huber
  /// Global gradient-norm limit; 0 turns clipping off.
  public var maxGradientNorm: Float = 10
  /// Learner updates between hard target copies (ignored when `targetUpdateRate` > 0).
  public var targetUpdatePeriod = 100
  /// Polyak rate τ applied after every update; 0 means hard copies every `targetUpdatePeriod`.
  public var targetUpdateRate: Float = 0
  /// Double DQN targets (van Hasselt et al. 2016).
  public var double = true

  // MARK: Replay
  public var bufferSize = 10_000
  public var batchSize = 32
  public var prioritized = false
  /// Prioritized replay's α.
  public var priorityExponent: Float = 0.6
  /// Prioritized replay's β at step 0, annealed linearly to 1 over `importanceAnnealSteps`.
  public var importanceExponent: Float = 0.4
  public var importanceAnnealSteps = 100_000
  /// Added to |TD error| so no transition has priority zero.
  public var priorityEpsilon: Float = 1e-6
  /// n of n-step returns (1 is plain one-step Q-learning).
  public var nStep = 1
  public var discount: Float = 0.99
  /// Clip rewards to [-c, c] before learning; 0 keeps them as they are.
  public var rewardClip: Float = 0

  // MARK: Acting and schedule (environment steps)
  public var epsilonStart: Float = 1
  public var epsilonEnd: Float = 0.05
  /// The step at which epsilon starts to fall.
  public var epsilonDecayStart = 0
  /// Steps over which epsilon falls linearly from start to end.
  public var epsilonDecaySteps = 5_000
  /// Steps of acting before the first update.
  public var learningStarts = 500
  /// Environment steps between learning phases.
  public var trainFrequency = 1
  /// Updates per learning phase.
  public var gradientSteps = 1

  // MARK: PQN (algorithm: pqn; the DQN replay and target keys are unused there)
  /// Environments stepped together, each with one batched forward of the Q-network.
  public var environments = 128
  /// Steps of every environment per batch (a batch is `environments × rolloutSteps` transitions).
  public var rolloutSteps = 32
  /// λ of the λ-returns the batch is trained on.
  public var lambda: Float = 0.65
  /// Passes over each batch, each in `minibatches` shuffled minibatches.
  public var epochs = 2
  public var minibatches = 32
  /// Environment steps over which the learning rate falls linearly to 0 (0 keeps it constant).
  public var learningRateDecaySteps = 0

  // MARK: Run length, evaluation and checkpoints
  /// The run's length in environment steps when `dqn train` gets no `--steps`.
  public var steps = 100_000
  /// Steps between evaluations; 0 turns periodic evaluation off.
  public var evalInterval = 2_000
  public var evalEpisodes = 20
  public var evalEpsilon: Float = 0.01
  /// Steps between periodic checkpoints; 0 saves only at the end and on Ctrl-C.
  public var checkpointInterval = 25_000

  // MARK: Actors and a learner (`--actors K`, `--distributed`)
  /// Sampled transitions per collected transition that the learner keeps to; 0 derives it from
  /// the single loop's schedule, `batchSize · gradientSteps / trainFrequency`.
  public var replayRatio: Float = 0
  /// Learner updates between the weights actors fetch.
  public var weightSyncPeriod = 400
  /// Transitions per fragment an actor sends.
  public var fragmentLength = 50

  /// The replay ratio the learner keeps to (sampled per collected transition).
  public var effectiveReplayRatio: Double {
    replayRatio > 0 ? Double(replayRatio) : Double(batchSize * gradientSteps) / Double(trainFrequency)
  }

  public init() {}
}
