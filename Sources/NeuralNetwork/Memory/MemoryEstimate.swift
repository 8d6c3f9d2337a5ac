import Foundation

/// What a run will hold in memory, part by part, checked against the machine before anything is
/// allocated: a preset that cannot fit is refused with the estimate instead of dying in the
/// allocator.
public struct MemoryEstimate: Sendable, Equatable, CustomStringConvertible {
  /// The parts, in bytes (`Int.max` when a part's size overflows).
  public private(set) var parts: [(name: String, bytes: Int)] = []

  public init() {}

  /// Adds `count · bytesEach` bytes under `name`, saturating at `Int.max`.
  public mutating func add(_ name: String, count: Int, bytesEach: Int) {
    let (bytes, overflow) = max(count, 0).multipliedReportingOverflow(by: max(bytesEach, 0))
    parts.append((name, overflow ? Int.max : bytes))
  }

  /// Adds `bytes` (computed in floating point, so that products of large sizes cannot overflow)
  /// under `name`, saturating at `Int.max`.
  public mutating func add(_ name: String, bytes: Double) {
    parts.append((name, bytes.isFinite && bytes < 9.2e18 ? Int(max(bytes, 0)) : Int.max))
  }

  /// The sum of the parts (saturating at `Int.max`).
  public var totalBytes: Int {
    parts.reduce(0) { sum, part in
      let (total, overflow) = sum.addingReportingOverflow(part.bytes)
      return overflow ? Int.max : total
    }
  }

  public var description: String {
    parts.map { "\($0.name) \(Self.format($0.bytes))" }.joined(separator: ", ")
  }

  /// Throws `MemoryError` when the total exceeds what the machine has available.
  ///
  /// - Parameter what: names the run in the message ("the preset catch.yaml").
  public func check(_ what: String, available: Int = MachineMemory.availableBytes) throws(MemoryError) {
    guard totalBytes <= available else {
      throw MemoryError(what: what, estimate: self, availableBytes: available)
    }
  }

  /// Bytes as "12.3 GiB", "512 MiB", or "≥ 8 EiB" for a saturated size.
  public static func format(_ bytes: Int) -> String {
    if bytes == Int.max { return "more than 8 EiB" }
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f %@", value, units[unit])
  }

  public static func == (lhs: MemoryEstimate, rhs: MemoryEstimate) -> Bool {
    lhs.parts.map(\.name) == rhs.parts.map(\.name) && lhs.parts.map(\.bytes) == rhs.parts.map(\.bytes)
  }
}

/// A run that would need more memory than the machine has.
public struct MemoryError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
  public var what: String
  public var estimate: MemoryEstimate
  public var availableBytes: Int

  public var description: String {
    "\(what) needs about \(MemoryEstimate.format(estimate.totalBytes)) of memory (\(estimate)), "
      + "but this machine has \(MemoryEstimate.format(availableBytes)) available; make it smaller"
  }

  public var errorDescription: String? { description }
}

/// The memory this machine can give a run.
public enum MachineMemory {
  /// `MemAvailable` from `/proc/meminfo` when it can be read, else the physical memory.
  public static var availableBytes: Int {
    if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) {
      for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
        let fields = line.split(separator: " ")
        if fields.count >= 2, let kibibytes = Int(fields[1]) { return kibibytes * 1024 }
      }
    }
    return Int(clamping: ProcessInfo.processInfo.physicalMemory)
  }
}
