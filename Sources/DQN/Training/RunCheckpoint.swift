import FileIO
import Foundation
import NeuralNetwork

/// The files that let a run continue exactly, written and read here as one unit.
///
/// A checkpoint is a *generation*: the folder `checkpoints/step-<step>/` holding the agent's
/// `state` (`weights.safetensors`, `target.safetensors`, `optimizer.safetensors`, `replay.bin`, its
/// counters in `state.json`), the loop's `TrainingState` (the rest of `state.json`) and
/// `manifest.json` (each file's size and CRC-32C, and the step). A generation is written under a
/// hidden name, every file flushed to disk, the manifest last, then renamed into place in one
/// step; only then are generations older than the last two removed. `--resume` takes the newest
/// generation whose manifest checks out and falls back to the one before (saying so), so it never
/// trains on a mixed state. `weights.safetensors` and `agent.yaml` beside the folder are updated
/// after each generation for `dqn eval` and `dqn watch`; `best.safetensors` holds the evaluated
/// best weights.
public struct RunCheckpoint: Sendable {
  public let folder: RunFolder
  /// Generations kept after a save.
  public static let keptGenerations = 2
  static let manifestName = "manifest.json"

  public init(folder: RunFolder) { self.folder = folder }

  /// `checkpoints/` in the run folder.
  public var generationsFolder: URL { folder.url.appendingPathComponent("checkpoints") }

  /// The complete generations' folders, newest first (by name; completeness is checked on restore).
  public var generations: [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: generationsFolder.path)) ?? []
    return names.filter { $0.hasPrefix("step-") }.sorted(by: >).map { generationsFolder.appendingPathComponent($0) }
  }

  /// Whether the folder holds a checkpoint (a generation, or a run saved before generations).
  public var exists: Bool {
    !generations.isEmpty || FileManager.default.fileExists(atPath: folder.stateFile.path)
  }

  /// Writes the agent's and the loop's state as a new generation, then `weights.safetensors` and
  /// `agent.yaml`, then removes the generations older than the last `keptGenerations`.
  public func save(agent: DQNAgent.State, loop: TrainingState, description: RunFolder.Description) throws(TrainingError) {
    let final = generationsFolder.appendingPathComponent(String(format: "step-%012d", loop.step))
    let partial = generationsFolder.appendingPathComponent(".partial-\(loop.step)-\(getpid())")
    try fileOperation(on: partial) {
      try FileManager.default.createDirectory(at: generationsFolder, withIntermediateDirectories: true)
      if FileManager.default.fileExists(atPath: partial.path) { try FileManager.default.removeItem(at: partial) }
      try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: false)
    }
    // A save that fails (a full disk) removes its unfinished generation; a crash leaves it for
    // the next `--resume` to remove.
    var isCommitted = false
    defer { if !isCommitted { try? FileManager.default.removeItem(at: partial) } }
    let files = Files(partial)
    try Self.write(agent.onlineNetwork, metadata: ["step": "\(loop.step)"], to: files.weights)
    try Self.write(agent.targetNetwork, to: files.target)
    try Self.write(agent.optimizer, to: files.optimizer)
    do {
      try agent.replay.write(to: files.replay)
    } catch {
      throw .replay(error)
    }
    try Self.writeJSON(Scalars(loop: loop, agent: agent.counters), to: files.state)
    var manifest = Manifest(step: loop.step, files: [:])
    for url in files.all {
      do {
        let (size, checksum) = try CRC32C.checksum(ofFileAt: url)
        manifest.files[url.lastPathComponent] = Manifest.Entry(bytes: size, crc32c: checksum)
      } catch {
        throw .unwritable(file: url.path, detail: "cannot be read back: \(error.localizedDescription)")
      }
    }
    try Self.writeJSON(manifest, to: partial.appendingPathComponent(Self.manifestName))
    // One rename makes the generation current (a generation of the same step is replaced whole).
    try fileOperation(on: final) {
      if FileManager.default.fileExists(atPath: final.path) {
        let replaced = generationsFolder.appendingPathComponent(".replaced-\(loop.step)-\(getpid())")
        try FileManager.default.moveItem(at: final, to: replaced)
      }
      try FileManager.default.moveItem(at: partial, to: final)
      Self.synchronizeFolder(generationsFolder)
    }
    isCommitted = true
    try Self.write(agent.onlineNetwork, metadata: ["step": "\(loop.step)"], to: folder.weightsFile)
    try folder.writeDescription(description)
    try removeOldGenerations()
  }

  /// Writes `weights.safetensors` and `agent.yaml` beside the checkpoints (what `dqn eval` and
  /// `dqn watch` read) for the restored state.
  public func publish(onlineNetwork: Layer, step: Int, description: RunFolder.Description) throws(TrainingError) {
    try Self.write(onlineNetwork.namedTensors, metadata: ["step": "\(step)"], to: folder.weightsFile)
    try folder.writeDescription(description)
  }

  /// Restores `agent` (built for this run, untouched) from the newest complete generation and
  /// returns the loop's state, with a note for each newer generation that was skipped.
  ///
  /// - Throws: `TrainingError` when there is no checkpoint, none is complete, or one does not
  ///   fit the agent.
  /// - Parameter maxEpisodeSteps: the environment's time limit (the saved episode must be shorter).
  public func restore(
    into agent: DQNAgent, maxEpisodeSteps: Int? = nil
  ) throws(TrainingError) -> (state: TrainingState, notes: [String]) {
    var notes = removeLeftovers()
    let candidates = generations
    if candidates.isEmpty {
      if FileManager.default.fileExists(atPath: folder.stateFile.path) {
        // A run saved before checkpoints were generations: its files sit in the run folder.
        return (try restore(into: agent, from: Files(folder.url), maxEpisodeSteps: maxEpisodeSteps), notes)
      }
      throw .notARun(
        directory: folder.url.path,
        detail: "it has no checkpoint (shipped agents keep only their weights; a run stopped before its first checkpoint can be started again with the same --out)")
    }
    var problems: [String] = []
    for generation in candidates {
      do {
        try verify(generation)
      } catch {
        problems.append("\(generation.lastPathComponent): \(error.description)")
        notes.append("skipped the checkpoint \(generation.lastPathComponent), which is incomplete or damaged (\(error.description)); resuming from the one before")
        continue
      }
      return (try restore(into: agent, from: Files(generation), maxEpisodeSteps: maxEpisodeSteps), notes)
    }
    throw .corruptRun(
      file: generationsFolder.path, detail: "no complete checkpoint: \(problems.joined(separator: "; "))")
  }

  /// Writes `network`'s weights to `best.safetensors`, noting the step.
  public func saveBestWeights(of network: Layer, step: Int) throws(TrainingError) {
    try Self.write(network.namedTensors, metadata: ["step": "\(step)"], to: folder.bestWeightsFile)
  }

  // MARK: - Generations

  /// The checkpoint files inside one folder (a generation, or the run folder of an older run).
  struct Files {
    let folder: URL
    init(_ folder: URL) { self.folder = folder }
    var weights: URL { folder.appendingPathComponent("weights.safetensors") }
    var target: URL { folder.appendingPathComponent("target.safetensors") }
    var optimizer: URL { folder.appendingPathComponent("optimizer.safetensors") }
    var replay: URL { folder.appendingPathComponent("replay.bin") }
    var state: URL { folder.appendingPathComponent("state.json") }
    var all: [URL] { [weights, target, optimizer, replay, state] }
  }

  /// `manifest.json`: what a complete generation holds.
  struct Manifest: Codable, Equatable {
    struct Entry: Codable, Equatable {
      var bytes: Int
      var crc32c: UInt32
    }
    var step: Int
    var files: [String: Entry]
  }

  /// Throws unless the generation's manifest lists every file with its size and checksum, and
  /// `state.json` is at the manifest's step.
  func verify(_ generation: URL) throws(TrainingError) {
    let manifestURL = generation.appendingPathComponent(Self.manifestName)
    guard let data = FileManager.default.contents(atPath: manifestURL.path) else {
      throw .corruptRun(file: manifestURL.path, detail: "missing (the checkpoint was not finished)")
    }
    let manifest: Manifest
    do {
      manifest = try JSONDecoder().decode(Manifest.self, from: data)
    } catch {
      throw .corruptRun(file: manifestURL.path, detail: "cannot be read")
    }
    for url in Files(generation).all {
      guard let entry = manifest.files[url.lastPathComponent] else {
        throw .corruptRun(file: manifestURL.path, detail: "does not list \(url.lastPathComponent)")
      }
      let found: (size: Int, checksum: UInt32)
      do {
        found = try CRC32C.checksum(ofFileAt: url)
      } catch {
        throw .corruptRun(file: url.path, detail: "missing or unreadable")
      }
      guard found.size == entry.bytes else {
        throw .corruptRun(file: url.path, detail: "holds \(found.size) bytes, the manifest says \(entry.bytes)")
      }
      guard found.checksum == entry.crc32c else {
        throw .corruptRun(file: url.path, detail: "its checksum does not match the manifest")
      }
    }
    let step = try Self.readScalars(Files(generation).state).loop.step
    guard step == manifest.step else {
      throw .corruptRun(file: Files(generation).state.path, detail: "is at step \(step), the manifest at \(manifest.step)")
    }
  }

  private func restore(into agent: DQNAgent, from files: Files, maxEpisodeSteps: Int?) throws(TrainingError) -> TrainingState {
    guard let data = FileManager.default.contents(atPath: files.state.path) else {
      throw .corruptRun(file: files.state.path, detail: "missing")
    }
    let scalars = try Self.decodeState(
      data, file: files.state.path, actionCount: agent.actionCount, maxEpisodeSteps: maxEpisodeSteps,
      maximumPendingUpdates: agent.settings.gradientSteps)
    let online = try Self.read(files.weights)
    let target = try Self.read(files.target)
    let optimizer = try Self.read(files.optimizer)
    let replay = agent.replay.emptyCopy()
    do {
      try replay.read(from: files.replay, actionCount: agent.actionCount)
    } catch {
      throw .replay(error)
    }
    do {
      try agent.restore(
        DQNAgent.State(
          onlineNetwork: online, targetNetwork: target, optimizer: optimizer, replay: replay, counters: scalars.agent))
    } catch {
      let file: URL
      switch error.part {
      case .onlineNetwork: file = files.weights
      case .targetNetwork: file = files.target
      case .optimizer: file = files.optimizer
      }
      throw .corruptRun(file: file.path, detail: error.detail)
    }
    return scalars.loop
  }

  /// Removes all generations but the newest `keptGenerations`.
  func removeOldGenerations() throws(TrainingError) {
    for old in generations.dropFirst(Self.keptGenerations) {
      try fileOperation(on: old) { try FileManager.default.removeItem(at: old) }
    }
    for leftover in hiddenEntries(of: generationsFolder) where leftover.lastPathComponent.hasPrefix(".replaced-") {
      try fileOperation(on: leftover) { try FileManager.default.removeItem(at: leftover) }
    }
  }

  /// Removes what an interrupted save leaves: unfinished generations and temporary files.
  /// Returns a note for each.
  func removeLeftovers() -> [String] {
    var notes: [String] = []
    let stale = hiddenEntries(of: generationsFolder).filter {
      $0.lastPathComponent.hasPrefix(".partial-") || $0.lastPathComponent.hasPrefix(".replaced-")
    }
    let temporaries = ([folder.url] + generations).flatMap { hiddenEntries(of: $0) }
      .filter { $0.lastPathComponent.contains(".tmp-") }
    for url in stale + temporaries {
      try? FileManager.default.removeItem(at: url)
      notes.append("removed \(url.path), left by an interrupted checkpoint")
    }
    return notes
  }

  private func hiddenEntries(of directory: URL) -> [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.filter { $0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0) }
  }

  func fileOperation(on url: URL, _ body: () throws -> Void) throws(TrainingError) {
    do {
      try FaultInjection.operation(on: url.path)
      try body()
    } catch let error as FileWriteError {
      throw .unwritable(file: error.file, detail: error.detail)
    } catch {
      throw .unwritable(file: url.path, detail: (error as NSError).localizedDescription)
    }
  }

  static func synchronizeFolder(_ url: URL) {
    let descriptor = open(url.path, O_RDONLY | O_DIRECTORY)
    guard descriptor >= 0 else { return }
    _ = fsync(descriptor)
    close(descriptor)
  }

  // MARK: - Files

  static func writeJSON(_ value: some Encodable, to url: URL) throws(TrainingError) {
    do {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      try AtomicFile.write(try encoder.encode(value), to: url)
    } catch let error as FileWriteError {
      throw .unwritable(file: error.file, detail: error.detail)
    } catch {
      throw .unwritable(file: url.path, detail: "\(error)")
    }
  }

  private static func readScalars(_ url: URL) throws(TrainingError) -> Scalars {
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw .corruptRun(file: url.path, detail: "missing")
    }
    do {
      return try JSONDecoder().decode(Scalars.self, from: data)
    } catch {
      throw .corruptRun(file: url.path, detail: "cannot be read: \(error)")
    }
  }

  static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws(TrainingError) {
    do {
      try SafeTensors.write(tensors, metadata: metadata, to: url)
    } catch let error as CheckpointError {
      throw .checkpoint(error)
    } catch let error as FileWriteError {
      throw .unwritable(file: error.file, detail: error.detail)
    } catch {
      throw .unwritable(file: url.path, detail: "\(error)")
    }
  }

  static func read(_ url: URL) throws(TrainingError) -> [String: Tensor] {
    do {
      return try SafeTensors.read(url).tensors
    } catch let error as CheckpointError {
      throw .checkpoint(error)
    } catch {
      throw .corruptRun(file: url.path, detail: "\(error)")
    }
  }

  /// `state.json`: the loop's and the agent's scalars side by side in one object (both count
  /// environment steps under `step`).
  struct Scalars: Codable {
    var loop: TrainingState
    var agent: DQNAgent.Counters

    init(loop: TrainingState, agent: DQNAgent.Counters) {
      self.loop = loop
      self.agent = agent
    }

    init(from decoder: any Decoder) throws {
      loop = try TrainingState(from: decoder)
      agent = try DQNAgent.Counters(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
      try loop.encode(to: encoder)
      try agent.encode(to: encoder)
    }
  }
}
