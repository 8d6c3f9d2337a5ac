import AllocationCounter
import Foundation
import GridGames
import NeuralNetwork
import Testing
@testable import DQN

/// "No allocation in the training step": once the buffers have their sizes, acting, stepping the
/// environment, storing the transition and the updates it triggers (sampling, both forwards, the
/// loss, backward, the optimizer step, priorities, target syncs) make no heap allocation. The
/// test binary counts every `malloc` (AllocationCounter). Episode ends are left out: a reset
/// seeds a new game state and the episode's metrics are written.
@Suite(.serialized) struct AllocationTests {
  /// The counter is live: an array the optimizer cannot remove is counted.
  @Test func theCounterSeesAnAllocation() {
    let count = Int.random(in: 100...200)
    allocation_counter_start()
    let values = [Float](repeating: 1, count: count)
    let allocations = allocation_counter_stop()
    #expect(values.reduce(0, +) == Float(count))
    #expect(allocations >= 1)
  }

  @Test(arguments: ["dqn", "rainbow-lite"])
  func trainingStepsAllocateNothing(family: String) throws {
    BLAS.setThreadCount(1)
    let definition = try TrainerTests.definition("breakout")
    var preset = try AgentPreset.resolve(
      family, environment: "breakout", searchDirectory: TrainerTests.root.appendingPathComponent("Agents"))
    // Learning from step 200 with a target sync every 50 updates, so the counted steps hold
    // hundreds of updates and several syncs; ε 0.5 mixes greedy acts (a forward at batch 1)
    // with the updates' forwards at batch 32 from the start.
    try preset.apply(overrides: [
      "bufferSize=4000", "learningStarts=200", "targetUpdatePeriod=50", "epsilonStart=0.5", "epsilonEnd=0.5",
    ])
    var environment = try definition.makeEnvironment()
    let agent = try DQNAgentBuilder.make(
      preset: preset, frameShape: definition.frameShape, stackDepth: definition.observation.frameStack,
      actionCount: definition.actionNames.count, seed: 5)
    var stack = ObservationStack(frameShape: definition.frameShape, depth: definition.observation.frameStack)
    var frame = environment.reset(seed: 5)
    stack.reset(with: frame)
    var countedSteps = 0
    var allocations = 0
    var updatesCounted = 0
    var episodes = 0
    for step in 0..<2_000 {
      let counts = step >= 600  // the first updates size every workspace
      let updatesBefore = agent.updates
      if counts { allocation_counter_start() }
      let action = agent.act(stack.observation)
      let result = environment.step(action)
      _ = try agent.observe(Transition(frame: frame, action: action, step: result))
      if result.isEpisodeOver {
        _ = allocation_counter_stop()
        episodes += 1
        frame = environment.reset(seed: UInt64(1_000 + episodes))
        stack.reset(with: frame)
        continue
      }
      frame = result.frame
      stack.push(result.frame)
      if counts {
        allocations += allocation_counter_stop()
        countedSteps += 1
        updatesCounted += agent.updates - updatesBefore
      }
    }
    #expect(countedSteps > 1_000)
    // An episode's end stores the last n-step transitions at once, and those steps are not
    // counted; the rest still make hundreds of updates.
    #expect(updatesCounted >= (countedSteps - episodes * preset.nStep) / preset.trainFrequency - 1)
    #expect(updatesCounted >= 250)
    #expect(allocations == 0, "\(allocations) allocations in \(countedSteps) steps with \(updatesCounted) updates")
  }

  /// The network alone, at the batch sizes acting and learning alternate between: forwards
  /// (training and inference), backward and an Adam step, on the MinAtar and Nature shapes.
  @Test func networkUpdatesAllocateNothing() {
    BLAS.setThreadCount(1)
    for (network, target, shape) in [
      (NetworkBenchmarks.minatarNetwork(seed: 1), NetworkBenchmarks.minatarNetwork(seed: 2), [4, 10, 10]),
      (NetworkBenchmarks.natureNetwork(seed: 1), NetworkBenchmarks.natureNetwork(seed: 2), [4, 84, 84]),
    ] {
      let batch = Tensor(shape: [32] + shape, repeating: 0.5)
      let one = Tensor(shape: [1] + shape, repeating: 0.25)
      let loss = HuberLoss()
      var optimizer = Adam(learningRate: 1e-4)
      let parameters = network.parameters
      let actions = [Int](repeating: 1, count: 32)
      var targets = [Float](repeating: 0, count: 32)
      var allocations = 0
      for round in 0..<6 {
        if round >= 3 { allocation_counter_start() }
        _ = network(one).argmax(row: 0)
        let next = target(batch)
        next.withUnsafeBufferPointer { q in for row in 0..<32 { targets[row] = q[row * 6] } }
        network.zeroGradients()
        let q = network.forward(batch, training: true)
        _ = loss.forward(q, actions: actions, targets: targets)
        _ = network.backward(loss.backward())
        optimizer.update(parameters)
        target.copyParameters(from: network)
        if round >= 3 { allocations += allocation_counter_stop() }
      }
      #expect(allocations == 0, "\(allocations) allocations in 3 updates of \(shape)")
    }
  }
}
