/// How an agent learns: `dqn` (the `Trainer`: one environment, experience replay, a target
/// network) or `pqn` (the `PQNTrainer`: parallel Q-learning over a `VectorEnvironment` with
/// λ-returns, no replay and no target network; Gallici et al. 2024).
public enum AlgorithmKind: String, Sendable, CaseIterable, Codable {
  case dqn
  case pqn
}
