import FileIO
import Foundation
import NeuralNetwork

/// A PQN run's checkpoint: the same generation folders as `RunCheckpoint`
/// (`checkpoints/step-<step>/`, written hidden, every file flushed, `manifest.json` last, one
/// rename, the last two kept), holding `weights.safetensors`, `optimizer.safetensors` and
/// `state.json` (the loop's `TrainingState` and `PQNCounters`). PQN has no replay buffer and no
/// target network, so there is nothing else to save.
struct PQNCheckpoint {
  let base: RunCheckpoint
  var folder: RunFolder { base.folder }

  init(folder: RunFolder) { base = RunCheckpoint(folder: folder) }

  struct Scalars: Codable {
    var loop: TrainingState
    var pqn: PQNCounters
  }

  static let fileNames = ["weights.safetensors", "optimizer.safetensors", "state.json"]

  func save(
    network: [String: Tensor], optimizer: [String: Tensor], loop: TrainingState, counters: PQNCounters,
    description: RunFolder.Description
  ) throws(TrainingError) {
    let generations = base.generationsFolder
    let final = generations.appendingPathComponent(String(format: "step-%012d", loop.step))
    let partial = generations.appendingPathComponent(".partial-\(loop.step)-\(getpid())")
    try base.fileOperation(on: partial) {
      try FileManager.default.createDirectory(at: generations, withIntermediateDirectories: true)
      if FileManager.default.fileExists(atPath: partial.path) { try FileManager.default.removeItem(at: partial) }
      try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: false)
    }
    let files = Self.fileNames.map { partial.appendingPathComponent($0) }
    try RunCheckpoint.write(network, metadata: ["step": "\(loop.step)"], to: files[0])
    try RunCheckpoint.write(optimizer, to: files[1])
    try RunCheckpoint.writeJSON(Scalars(loop: loop, pqn: counters), to: files[2])
    var manifest = RunCheckpoint.Manifest(step: loop.step, files: [:])
    for url in files {
      do {
        let (size, checksum) = try CRC32C.checksum(ofFileAt: url)
        manifest.files[url.lastPathComponent] = RunCheckpoint.Manifest.Entry(bytes: size, crc32c: checksum)
      } catch {
        throw .unwritable(file: url.path, detail: "cannot be read back: \(error.localizedDescription)")
      }
    }
    try RunCheckpoint.writeJSON(manifest, to: partial.appendingPathComponent(RunCheckpoint.manifestName))
    try base.fileOperation(on: final) {
      if FileManager.default.fileExists(atPath: final.path) {
        let replaced = generations.appendingPathComponent(".replaced-\(loop.step)-\(getpid())")
        try FileManager.default.moveItem(at: final, to: replaced)
      }
      try FileManager.default.moveItem(at: partial, to: final)
      RunCheckpoint.synchronizeFolder(generations)
    }
    try RunCheckpoint.write(network, metadata: ["step": "\(loop.step)"], to: folder.weightsFile)
    try folder.writeDescription(description)
    try base.removeOldGenerations()
  }

  /// The newest generation whose manifest checks out: its network, optimizer state and scalars,
  /// with a note for each newer generation skipped.
  func restore() throws(TrainingError) -> (
    network: [String: Tensor], optimizer: [String: Tensor], scalars: Scalars, notes: [String]
  ) {
    var notes = base.removeLeftovers()
    var problems: [String] = []
    for generation in base.generations {
      do throws(TrainingError) {
        try verify(generation)
        let network = try RunCheckpoint.read(generation.appendingPathComponent(Self.fileNames[0]))
        let optimizer = try RunCheckpoint.read(generation.appendingPathComponent(Self.fileNames[1]))
        let stateURL = generation.appendingPathComponent(Self.fileNames[2])
        guard let data = FileManager.default.contents(atPath: stateURL.path) else {
          throw TrainingError.corruptRun(file: stateURL.path, detail: "missing")
        }
        let scalars: Scalars
        do {
          scalars = try JSONDecoder().decode(Scalars.self, from: data)
        } catch {
          throw TrainingError.corruptRun(file: stateURL.path, detail: "cannot be read: \(error)")
        }
        return (network, optimizer, scalars, notes)
      } catch {
        problems.append("\(generation.lastPathComponent): \(error.description)")
        notes.append("skipped the checkpoint \(generation.lastPathComponent), which is incomplete or damaged (\(error.description)); resuming from the one before")
      }
    }
    throw .corruptRun(
      file: base.generationsFolder.path,
      detail: problems.isEmpty ? "no checkpoint" : "no complete checkpoint: \(problems.joined(separator: "; "))")
  }

  private func verify(_ generation: URL) throws(TrainingError) {
    let manifestURL = generation.appendingPathComponent(RunCheckpoint.manifestName)
    guard let data = FileManager.default.contents(atPath: manifestURL.path) else {
      throw .corruptRun(file: manifestURL.path, detail: "missing (the checkpoint was not finished)")
    }
    guard let manifest = try? JSONDecoder().decode(RunCheckpoint.Manifest.self, from: data) else {
      throw .corruptRun(file: manifestURL.path, detail: "cannot be read")
    }
    for name in Self.fileNames {
      let url = generation.appendingPathComponent(name)
      guard let entry = manifest.files[name] else {
        throw .corruptRun(file: manifestURL.path, detail: "does not list \(name)")
      }
      guard let found = try? CRC32C.checksum(ofFileAt: url) else {
        throw .corruptRun(file: url.path, detail: "missing or unreadable")
      }
      guard found.size == entry.bytes, found.checksum == entry.crc32c else {
        throw .corruptRun(file: url.path, detail: "does not match the manifest (size or checksum)")
      }
    }
  }
}
