import Foundation

/// What `NetworkTransfer.apply(to:)` did to each tensor of the network: copied or kept fresh (and
/// why), frozen or trained. Commands print its `table` before training.
public struct TransferReport: Sendable, Equatable {
  /// Where a tensor's values come from.
  public enum Origin: Sendable, Equatable {
    case copied
    case fresh(FreshReason)
  }

  /// Why a tensor kept its fresh initialisation.
  public enum FreshReason: Sendable, Equatable {
    /// No source was given (only `--freeze`).
    case noSource
    /// Its layer is not in `--init-layers`.
    case notSelected
    /// The source has no tensor of that name.
    case missingInSource
    /// The source's tensor of that name has this shape.
    case shapeInSource([Int])
    /// It matches, but this other tensor of its layer does not (a layer is copied whole).
    case layerMismatch(String)
  }

  /// How training treats a tensor.
  public enum Role: String, Sendable, Equatable {
    case trained, frozen
    /// Saved but not trained (BatchNorm's running statistics).
    case buffer
  }

  /// One tensor of the network.
  public struct Row: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var origin: Origin
    public var role: Role
  }

  /// The weights file read, if any.
  public var source: String?
  /// The layers `--init-layers` chose (nil: every matching tensor).
  public var copiedLayers: [String]?
  /// The frozen layers, in the network's order.
  public var frozenLayers: [String]
  /// Every parameter, then every buffer, in the network's order.
  public var rows: [Row]
  /// Tensors of the source that the network does not have.
  public var unusedSourceTensors: [String]

  /// The names of the copied tensors.
  public var copiedTensors: [String] { rows.filter { $0.origin == .copied }.map(\.name) }

  /// One line per tensor (name, shape, copied or fresh and why, trained or frozen), a heading
  /// and a summary.
  public var table: String {
    func shapeText(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
    func originText(_ origin: Origin) -> String {
      switch origin {
      case .copied: return "copied"
      case .fresh(.noSource): return "fresh"
      case .fresh(.notSelected): return "fresh (not in --init-layers)"
      case .fresh(.missingInSource): return "fresh (not in the source)"
      case .fresh(.shapeInSource(let shape)): return "fresh (shape \(shapeText(shape)) in the source)"
      case .fresh(.layerMismatch(let other)): return "fresh (\(other) does not match)"
      }
    }
    let header = ["tensor", "shape", "weights", "training"]
    let cells = rows.map { [$0.name, shapeText($0.shape), originText($0.origin), $0.role.rawValue] }
    let widths = header.indices.map { column in ([header] + cells).map { $0[column].count }.max() ?? 0 }
    func line(_ fields: [String]) -> String {
      zip(fields, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        .trimmingTrailingSpaces()
    }
    var lines: [String] = []
    if let source {
      let selection = copiedLayers.map { " (layers \($0.joined(separator: ", ")))" } ?? ""
      lines.append("initialising from \(source)\(selection):")
    } else {
      lines.append("fresh initialisation:")
    }
    lines.append(line(header))
    lines += cells.map(line)
    let copiedValues = rows.filter { $0.origin == .copied }.map { $0.shape.reduce(1, *) }.reduce(0, +)
    let allValues = rows.map { $0.shape.reduce(1, *) }.reduce(0, +)
    var summary = "copied \(copiedTensors.count) of \(rows.count) tensors (\(copiedValues) of \(allValues) values)"
    summary += "; frozen: " + (frozenLayers.isEmpty ? "none" : frozenLayers.joined(separator: ", "))
    lines.append(summary)
    if !unusedSourceTensors.isEmpty {
      let shown = unusedSourceTensors.prefix(6).joined(separator: ", ")
      lines.append("not used from the source: \(shown)\(unusedSourceTensors.count > 6 ? ", …" : "")")
    }
    return lines.joined(separator: "\n")
  }
}

extension String {
  fileprivate func trimmingTrailingSpaces() -> String {
    var text = self
    while text.last == " " { text.removeLast() }
    return text
  }
}
