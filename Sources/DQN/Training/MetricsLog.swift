import FileIO
import Foundation

/// A run's logs: `metrics.csv` (a row per episode) and `eval.csv` (a row per evaluation),
/// appended to as training goes, and cut back to a checkpoint's rows when the run resumes.
struct MetricsLog {
  let folder: RunFolder

  /// Starts both files with their headers.
  func start() throws(TrainingError) {
    try Self.write(EpisodeRow.header + "\n", to: folder.metricsFile)
    try Self.write(EvaluationRow.header + "\n", to: folder.evalFile)
  }

  /// Keeps the first `metricsRows` and `evalRows` rows (rows written after the checkpoint are
  /// written again as the run replays those steps).
  ///
  /// - Throws: `TrainingError.corruptRun` when a file holds fewer rows than the checkpoint says.
  func resume(metricsRows: Int, evalRows: Int) throws(TrainingError) {
    try Self.truncate(folder.metricsFile, header: EpisodeRow.header, rows: metricsRows)
    try Self.truncate(folder.evalFile, header: EvaluationRow.header, rows: evalRows)
  }

  func append(_ row: EpisodeRow) throws(TrainingError) {
    try Self.append(row.csvLine, to: folder.metricsFile)
  }

  func append(_ row: EvaluationRow) throws(TrainingError) {
    try Self.append(row.csvLine, to: folder.evalFile)
  }

  private static func append(_ line: String, to url: URL) throws(TrainingError) {
    do {
      let handle = try FileHandle(forWritingTo: url)
      defer { try? handle.close() }
      try handle.seekToEnd()
      try handle.write(contentsOf: Data((line + "\n").utf8))
    } catch {
      throw .unwritable(file: url.path, detail: error.localizedDescription)
    }
  }

  private static func truncate(_ url: URL, header: String, rows: Int) throws(TrainingError) {
    let text = (try? String(contentsOf: url, encoding: .utf8)) ?? header + "\n"
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    if lines.first != header { lines.insert(header, at: 0) }
    guard lines.count - 1 >= rows else {
      throw .corruptRun(file: url.path, detail: "holds \(lines.count - 1) rows but the checkpoint recorded \(rows)")
    }
    try write(lines.prefix(rows + 1).joined(separator: "\n") + "\n", to: url)
  }

  private static func write(_ text: String, to url: URL) throws(TrainingError) {
    do {
      try AtomicFile.write(text, to: url)
    } catch {
      throw .unwritable(file: error.file, detail: error.detail)
    }
  }
}
