import Foundation

/// What a training run logged: one row per episode (`metrics.csv`) and the periodic
/// evaluations (`eval.csv`), as `dqn plot` reads them.
public struct RunMetrics: Sendable, Equatable {
  /// One `metrics.csv` row.
  public struct Episode: Sendable, Equatable {
    public var step: Double
    public var episodeReturn: Double
    /// Mean loss and max-Q of the updates since the previous row (nil before learning starts).
    public var loss: Double?
    public var maxQ: Double?
  }

  /// One `eval.csv` row.
  public struct Evaluation: Sendable, Equatable {
    public var step: Double
    public var meanReturn: Double
    public var standardDeviation: Double
  }

  /// The run's name in legends (its folder name).
  public var name: String
  public var episodes: [Episode]
  public var evaluations: [Evaluation]

  public init(name: String, episodes: [Episode], evaluations: [Evaluation]) {
    self.name = name
    self.episodes = episodes
    self.evaluations = evaluations
  }

  /// Reads `metrics.csv` (required) and `eval.csv` (optional) from a run folder.
  ///
  /// - Throws: `ViewerError.noMetrics` naming the folder or the file, line and column.
  public static func load(_ folder: URL) throws(ViewerError) -> RunMetrics {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw .noMetrics(file: folder.path, detail: "no such run folder")
    }
    let metricsURL = folder.appendingPathComponent("metrics.csv")
    guard let metricsText = try? String(contentsOf: metricsURL, encoding: .utf8) else {
      throw .noMetrics(file: folder.path, detail: "no readable metrics.csv (is it a training run folder?)")
    }
    let rows = try CSVTable(metricsText, file: metricsURL.path, required: ["step", "return"])
    var episodes: [Episode] = []
    for row in rows.rows.indices {
      episodes.append(Episode(
        step: try rows.number(row, "step"), episodeReturn: try rows.number(row, "return"),
        loss: try rows.optionalNumber(row, "loss"), maxQ: try rows.optionalNumber(row, "max_q")))
    }
    var evaluations: [Evaluation] = []
    let evalURL = folder.appendingPathComponent("eval.csv")
    if let evalText = try? String(contentsOf: evalURL, encoding: .utf8) {
      let table = try CSVTable(evalText, file: evalURL.path, required: ["step", "mean_return"])
      for row in table.rows.indices {
        evaluations.append(Evaluation(
          step: try table.number(row, "step"), meanReturn: try table.number(row, "mean_return"),
          standardDeviation: try table.optionalNumber(row, "std_return") ?? 0))
      }
    }
    return RunMetrics(name: folder.standardizedFileURL.lastPathComponent, episodes: episodes, evaluations: evaluations)
  }
}

/// A CSV file with a header row; cells looked up by column name.
struct CSVTable {
  let file: String
  let columns: [String: Int]
  let rows: [[Substring]]
  /// The file's line number of each row (for messages).
  let lines: [Int]

  init(_ text: String, file: String, required: [String]) throws(ViewerError) {
    self.file = file
    var allLines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
      .map { ($0.offset + 1, $0.element.trimmingCharacters(in: .whitespacesAndNewlines)) }
      .filter { !$0.1.isEmpty }
    guard !allLines.isEmpty else { throw .noMetrics(file: file, detail: "the file is empty (no header row)") }
    let header = allLines.removeFirst().1.split(separator: ",", omittingEmptySubsequences: false)
      .map { $0.trimmingCharacters(in: .whitespaces) }
    var columns: [String: Int] = [:]
    for (index, name) in header.enumerated() { columns[name] = index }
    for name in required where columns[name] == nil {
      throw .noMetrics(file: file, detail: "the header has no column '\(name)' (found: \(header.joined(separator: ",")))")
    }
    self.columns = columns
    rows = allLines.map { $0.1.split(separator: ",", omittingEmptySubsequences: false).map { Substring($0) } }
    lines = allLines.map(\.0)
  }

  func number(_ row: Int, _ column: String) throws(ViewerError) -> Double {
    guard let value = try optionalNumber(row, column) else {
      throw .noMetrics(file: "\(file):\(lines[row])", detail: "column '\(column)' is empty")
    }
    return value
  }

  func optionalNumber(_ row: Int, _ column: String) throws(ViewerError) -> Double? {
    guard let index = columns[column] else { return nil }
    let cells = rows[row]
    guard index < cells.count else {
      throw .noMetrics(file: "\(file):\(lines[row])", detail: "the row has \(cells.count) cells, the header \(columns.count) (truncated?)")
    }
    let cell = cells[index].trimmingCharacters(in: .whitespaces)
    if cell.isEmpty { return nil }
    guard let value = Double(cell), value.isFinite || cell == "nan" || cell.hasSuffix("inf") else {
      throw .noMetrics(file: "\(file):\(lines[row])", detail: "'\(cell)' in column '\(column)' is not a number")
    }
    return value.isFinite ? value : nil
  }
}
