import NeuralNetwork

extension DQNAgent {
  /// Starts the agent from another network's weights and freezes the chosen layers of its online
  /// network (`--init-from`, `--init-layers`, `--freeze`); the target network then starts as a
  /// copy of the initialised online network. The replay buffer stays empty and the counters at 0:
  /// only weights carry over, never experience.
  ///
  /// `torso` names the convolutions of a Q-network (`conv1` in `minatar`, `conv1`–`conv3` in
  /// `nature`; `small` has none): the part whose weights do not depend on the game, as long as the
  /// frames have the same size and stack. The dense layers (`fc1`, `fc2`, or a dueling head's
  /// streams) are the head.
  ///
  /// - Throws: `TransferError` (see `NetworkTransfer.apply(to:)`); the agent is then unchanged.
  /// - Precondition: the agent has observed nothing yet.
  public func start(from transfer: NetworkTransfer) throws(TransferError) -> TransferReport {
    precondition(steps == 0 && updates == 0 && replay.count == 0, "an agent starts from other weights only before it has observed anything")
    let report = try transfer.apply(to: onlineNetwork)
    targetNetwork.copyParameters(from: onlineNetwork)
    return report
  }
}
