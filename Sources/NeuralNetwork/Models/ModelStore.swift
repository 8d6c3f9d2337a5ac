import FileIO
import Foundation

/// Saving and loading a supervised model folder: `model.json` + `weights.safetensors`.
public enum ModelStore {
  public static let descriptionFile = "model.json"
  public static let weightsFile = "weights.safetensors"

  /// Writes the description and weights into `directory` (created if needed).
  ///
  /// - Parameter metadata: more strings for the weights file's metadata (`metadata(recording:)`).
  public static func save(
    _ network: Sequential, description: ModelDescription, to directory: URL, metadata: [String: String] = [:]
  ) throws {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw CheckpointError.unwritable(file: directory.path, detail: error.localizedDescription)
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let json = try encoder.encode(description)
    // The weights first, the description last: a folder whose weights could not be written gets
    // no new model.json, and one whose model.json could not be written loses the new weights, so
    // a failed save never leaves a description beside weights it does not describe.
    let weightsURL = directory.appendingPathComponent(weightsFile)
    try network.save(
      to: weightsURL,
      metadata: metadata.merging(["preset": description.preset.rawValue, "format": description.format]) { $1 })
    do {
      try AtomicFile.write(json, to: directory.appendingPathComponent(descriptionFile))
    } catch {
      try? FileManager.default.removeItem(at: weightsURL)
      throw error
    }
  }

  /// Where a model's weights came from, as weights-file metadata: `init_from` (the source file),
  /// `init_layers` (what `--init-layers` chose) and `frozen` (comma-separated layer names); only
  /// the keys that apply.
  public static func metadata(recording report: TransferReport) -> [String: String] {
    var metadata: [String: String] = [:]
    if let source = report.source { metadata["init_from"] = source }
    if let layers = report.copiedLayers { metadata["init_layers"] = layers.joined(separator: ",") }
    if !report.frozenLayers.isEmpty { metadata["frozen"] = report.frozenLayers.joined(separator: ",") }
    return metadata
  }

  /// Rebuilds the network described in `directory` and loads its weights.
  public static func load(from directory: URL) throws -> (network: Sequential, description: ModelDescription) {
    let descriptionURL = directory.appendingPathComponent(descriptionFile)
    guard let data = FileManager.default.contents(atPath: descriptionURL.path) else {
      throw ModelError.notAModel(directory: directory.path, detail: "it has no \(descriptionFile)")
    }
    let description: ModelDescription
    do {
      description = try ModelDescription.decode(data, file: descriptionURL.path)
    } catch {
      throw ModelError.notAModel(directory: directory.path, detail: error.description)
    }
    var estimate = MemoryEstimate()
    estimate.add("parameters (loaded and built)", count: description.parameterCount, bytesEach: 8)
    do {
      try estimate.check("the model in \(directory.path)")
    } catch {
      throw ModelError.notAModel(directory: directory.path, detail: error.description)
    }
    let network = description.makeNetwork()
    try network.load(from: directory.appendingPathComponent(weightsFile))
    return (network, description)
  }
}
