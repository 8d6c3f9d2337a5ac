import DQN
import Foundation
import GridGames

/// An actor rank of `dqn train --distributed`: `perRank` actor threads (the same `ApeXActor`s as
/// `--actors K`) feed a local queue; this thread relays their fragments to rank 0 and the
/// learner's weights back to them, so only one thread calls MPI.
public enum ActorRank {
  /// Acts until rank 0 says stop.
  ///
  /// - Parameters:
  ///   - rank: this rank (≥ 1); its actors are numbered `(rank − 1)·perRank + i` of
  ///     `(ranks − 1)·perRank`.
  /// - Throws: `TrainingError` when an environment or network cannot be made or MPI fails.
  public static func run(
    rank: Int, ranks: Int, perRank: Int, envs: Int, preset: AgentPreset, definition: EnvironmentDefinition, seed: UInt64
  ) throws(TrainingError) {
    let total = (ranks - 1) * perRank
    var actors: [ApeXActor] = []
    for local in 0..<perRank {
      actors.append(try ApeXActor(
        index: (rank - 1) * perRank + local, actors: total, envs: envs, preset: preset, definition: definition,
        seed: seed, fragmentLength: preset.fragmentLength))
    }
    let queue = InProcessTransport(capacity: 2 * perRank)
    let mpi = MPIActorTransport()
    let finished = DispatchGroup()
    for actor in actors {
      finished.enter()
      let thread = Thread {
        try? actor.run(transport: queue)
        finished.leave()
      }
      thread.stackSize = 8 << 20
      thread.start()
    }
    defer {
      queue.close()
      finished.wait()
    }
    var version = -1
    do {
      while true {
        if let weights = try mpi.weights(newerThan: version) {
          try queue.publish(weights)
          version = weights.version
        }
        if let fragment = try queue.receive(timeout: 0.002) { try mpi.send(fragment) }
      }
    } catch .closed {
      return
    } catch {
      throw .transport(error, lastCheckpoint: nil)
    }
  }
}
