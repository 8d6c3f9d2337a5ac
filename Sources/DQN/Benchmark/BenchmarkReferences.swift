import Foundation
import Yams

/// The reference scores `dqn benchmark` compares with, read from `Agents/benchmark/references.yaml`.
public struct BenchmarkReferences: Sendable, Equatable {
  /// One published (or read-off) figure per game.
  public struct Reference: Sendable, Equatable {
    public var name: String
    public var source: String
    public var frames: Int
    /// The families it is the target of (drawn dashed in their curves).
    public var families: [String]
    public var scores: [String: Double]
  }

  /// What every table says beside it (pixels against object channels, action sets).
  public var note: String
  public var references: [Reference]

  public init(note: String = "", references: [Reference] = []) {
    self.note = note
    self.references = references
  }

  /// The references meant for `family`.
  public func targets(of family: String) -> [Reference] { references.filter { $0.families.contains(family) } }

  /// Reads the file at `url`.
  ///
  /// - Throws: `BenchmarkError.references` naming the file and what is wrong.
  public static func load(from url: URL) throws(BenchmarkError) -> BenchmarkReferences {
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
      throw .references(file: url.path, detail: "cannot be read")
    }
    return try parse(yaml: text, file: url.path)
  }

  public static func parse(yaml text: String, file: String) throws(BenchmarkError) -> BenchmarkReferences {
    let node: Node?
    do {
      node = try Yams.compose(yaml: text)
    } catch {
      throw .references(file: file, detail: "malformed YAML: \(error)")
    }
    guard let top = node?.mapping else { throw .references(file: file, detail: "the top level must be a mapping with note: and references:") }
    var result = BenchmarkReferences(note: top["note"]?.string ?? "")
    guard let list = top["references"]?.sequence else {
      throw .references(file: file, detail: "key 'references' must be a list")
    }
    for (index, item) in list.enumerated() {
      let at = "references[\(index)]"
      guard let entry = item.mapping else { throw .references(file: file, detail: "\(at) must be a mapping") }
      guard let name = entry["name"]?.string, !name.isEmpty else {
        throw .references(file: file, detail: "\(at): key 'name' is missing")
      }
      guard let source = entry["source"]?.string, !source.isEmpty else {
        throw .references(file: file, detail: "\(at) (\(name)): key 'source' is missing: every reference names its source")
      }
      guard let framesText = entry["frames"]?.string, let frames = Int(framesText), frames > 0 else {
        throw .references(file: file, detail: "\(at) (\(name)): key 'frames' must be a positive integer")
      }
      let families = entry["families"]?.sequence?.compactMap { (item: Node) in item.string } ?? []
      guard let scoreMap = entry["scores"]?.mapping else {
        throw .references(file: file, detail: "\(at) (\(name)): key 'scores' must map games to numbers")
      }
      var scores: [String: Double] = [:]
      for (gameNode, valueNode) in scoreMap {
        guard let game = gameNode.string, let value = valueNode.string.flatMap(Double.init) else {
          throw .references(file: file, detail: "\(at) (\(name)): scores must map game names to numbers")
        }
        scores[game] = value
      }
      result.references.append(Reference(name: name, source: source, frames: frames, families: families, scores: scores))
    }
    return result
  }
}
