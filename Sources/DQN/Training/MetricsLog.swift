import FileIO
#if canImport(Glibc)
  import Glibc
#endif
import Foundation
import GridGames
import TensorBoard

/// A run's logs: `metrics.csv` (a row per episode) and `eval.csv` (a row per evaluation),
/// appended to as training goes and cut back to a checkpoint's rows when the run resumes; and,
/// unless turned off, a TensorBoard event file beside them with the same figures under the
/// field's usual tags (`charts/…`, `losses/…`, `eval/…`), a frame at each evaluation and the
/// run's resolved settings as text.
final class MetricsLog {
  let folder: RunFolder
  /// The event file, or nil when TensorBoard output is off.
  private(set) var events: EventFileWriter?

  /// `metrics.csv`'s header (with the actor columns for a run with actors).
  let episodeHeader: String

  init(folder: RunFolder, actorColumns: Bool = false) {
    self.folder = folder
    episodeHeader = actorColumns ? EpisodeRow.scalingHeader : EpisodeRow.header
  }

  /// Starts both CSV files with their headers and, when `tensorboard` is true, a new event file
  /// whose first summary is `settings` as text (the preset and environment, as in `agent.yaml`).
  func start(tensorboard: Bool, settings: String) throws(TrainingError) {
    try Self.write(episodeHeader + "\n", to: folder.metricsFile)
    try Self.write(EvaluationRow.header + "\n", to: folder.evalFile)
    guard tensorboard else { return }
    do {
      let writer = try EventFileWriter(creating: folder.url.appendingPathComponent(EventFileWriter.fileName()))
      try writer.add([SummaryValue(tag: "settings", .text(Self.markdownCode(settings)))], step: 0)
      try writer.flush()
      events = writer
    } catch {
      throw .unwritable(file: error.file, detail: error.detail)
    }
  }

  /// Keeps the first `metricsRows` and `evalRows` rows (rows written after the checkpoint are
  /// written again as the run replays those steps), and cuts the event file back to what the
  /// checkpoint recorded, so no step appears twice.
  ///
  /// - Throws: `TrainingError.corruptRun` when a file holds fewer rows or bytes than the
  ///   checkpoint says.
  func resume(metricsRows: Int, evalRows: Int, events position: EventFilePosition?) throws(TrainingError) {
    try Self.truncate(folder.metricsFile, header: episodeHeader, rows: metricsRows)
    try Self.truncate(folder.evalFile, header: EvaluationRow.header, rows: evalRows)
    guard let position else { return }
    let url = folder.url.appendingPathComponent(position.file)
    do {
      events = try EventFileWriter(resuming: url, validByteCount: position.bytes)
    } catch {
      throw .corruptRun(file: url.path, detail: "cannot continue the TensorBoard event file: \(error.detail)")
    }
  }

  /// Writes every queued event and returns where the event file now ends (for the checkpoint).
  func flush() throws(TrainingError) -> EventFilePosition? {
    guard let events else { return nil }
    do {
      try events.flush()
    } catch {
      throw .unwritable(file: error.file, detail: error.detail)
    }
    return EventFilePosition(file: events.url.lastPathComponent, bytes: events.flushedByteCount)
  }

  /// Appends an episode's row; in the event file also the steps per second of this session.
  func append(_ row: EpisodeRow, stepsPerSecond: Double) throws(TrainingError) {
    try Self.append(row.csvLine, to: folder.metricsFile)
    var values: [SummaryValue] = [
      .scalar("charts/episodic_return", Float(row.episodeReturn)),
      .scalar("charts/episodic_length", Float(row.length)),
      .scalar("charts/epsilon", row.epsilon),
      .scalar("charts/SPS", Float(stepsPerSecond)),
    ]
    if let loss = row.meanLoss { values.append(.scalar("losses/td_loss", Float(loss))) }
    if let maxQ = row.meanMaxQ { values.append(.scalar("losses/q_values", Float(maxQ))) }
    try addEvents(values, step: row.step)
  }

  /// Appends an evaluation's row; in the event file also `frame`, a frame the agent saw.
  func append(_ row: EvaluationRow, frame: Frame) throws(TrainingError) {
    try Self.append(row.csvLine, to: folder.evalFile)
    guard events != nil else { return }
    try addEvents(
      [
        .scalar("eval/mean_return", Float(row.result.mean)),
        .scalar("eval/std_return", Float(row.result.standardDeviation)),
        Self.image("eval/frame", frame),
      ], step: row.step)
  }

  private func addEvents(_ values: [SummaryValue], step: Int) throws(TrainingError) {
    guard let events else { return }
    do {
      try events.add(values, step: step)
    } catch {
      throw .unwritable(file: error.file, detail: error.detail)
    }
  }

  /// A frame as a PNG image summary, each pixel enlarged to a square block so that boards of
  /// 10×10 pixels are visible on the dashboard (the pixels themselves are unchanged).
  static func image(_ tag: String, _ frame: Frame) -> SummaryValue {
    let scale = max(1, 84 / max(1, min(frame.height, frame.width)))
    let height = frame.height * scale
    let width = frame.width * scale
    let channels = frame.channels
    var pixels = [UInt8](repeating: 0, count: height * width * channels)
    frame.pixels.withUnsafeBufferPointer { source in
      for y in 0..<height {
        for x in 0..<width {
          let from = ((y / scale) * frame.width + x / scale) * channels
          let to = (y * width + x) * channels
          for c in 0..<channels { pixels[to + c] = source[from + c] }
        }
      }
    }
    let png = PNGEncoder.encode(pixels: pixels, height: height, width: width, channels: channels)
    return SummaryValue(tag: tag, .image(png: png, height: height, width: width, channels: channels))
  }

  /// Settings shown as a code block (TensorBoard's Text tab renders Markdown).
  private static func markdownCode(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
  }

  /// Appends one row whole or not at all: one `write` of the whole line, and on a failed or
  /// short write (a full disk) the file is cut back to where it ended.
  private static func append(_ line: String, to url: URL) throws(TrainingError) {
    do {
      try FaultInjection.operation(on: url.path)
    } catch {
      throw .unwritable(file: error.file, detail: error.detail)
    }
    let descriptor = open(url.path, O_WRONLY | O_APPEND | O_CLOEXEC)
    guard descriptor >= 0 else { throw .unwritable(file: url.path, detail: String(cString: strerror(errno))) }
    defer { close(descriptor) }
    let end = lseek(descriptor, 0, SEEK_END)
    let bytes = Array((line + "\n").utf8)
    let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
    guard written == bytes.count else {
      let reason = written < 0 ? String(cString: strerror(errno)) : "only \(written) of \(bytes.count) bytes were written (is the disk full?)"
      if end >= 0 { _ = ftruncate(descriptor, end) }
      throw .unwritable(file: url.path, detail: reason)
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

/// Where a run's event file ended at a checkpoint: its name in the run folder and its length.
public struct EventFilePosition: Codable, Sendable, Equatable {
  public var file: String
  public var bytes: Int

  public init(file: String, bytes: Int) {
    self.file = file
    self.bytes = bytes
  }
}
