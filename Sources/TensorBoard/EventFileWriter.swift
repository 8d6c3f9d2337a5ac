import FileIO
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Appends events to a TensorBoard event file (`events.out.tfevents.<unix time>.<host>`).
///
/// Records are framed in memory and written in one `write` per flush, so a process killed at any
/// moment leaves whole records followed by at most one cut record, which readers skip. `flush()`
/// runs by itself once `flushInterval` seconds have passed since the last one; callers flush at
/// checkpoints. `flushedByteCount` is what a checkpoint records: resuming truncates the file back
/// to it, so no step appears twice.
public final class EventFileWriter {
  public let url: URL
  /// Seconds between automatic flushes.
  public var flushInterval: Double
  /// Bytes of the file that are written and whole.
  public private(set) var flushedByteCount: Int
  private let descriptor: Int32
  private var pending: [UInt8] = []
  private var lastFlush: Double

  /// The conventional name of a new event file in `folder`.
  public static func fileName(time: Double = Date().timeIntervalSince1970, host: String = hostName()) -> String {
    "events.out.tfevents.\(Int(time)).\(host)"
  }

  /// The event files in `folder`, oldest name first.
  public static func files(in folder: URL) -> [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasPrefix("events.out.tfevents.") }.sorted().map { folder.appendingPathComponent($0) }
  }

  /// Creates a new event file at `url` and writes its first record, the file version.
  ///
  /// - Throws: `FileWriteError` when the file cannot be created.
  public init(creating url: URL, flushInterval: Double = 2) throws(FileWriteError) {
    self.url = url
    self.flushInterval = flushInterval
    descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw FileWriteError(file: url.path, detail: String(cString: strerror(errno))) }
    flushedByteCount = 0
    lastFlush = Self.now()
    append(Event(wallTime: Date().timeIntervalSince1970, step: 0, content: .fileVersion("brain.Event:2")))
    try flush()
  }

  /// Reopens the event file at `url`, cut back to its first `validByteCount` bytes (what the last
  /// checkpoint recorded), and appends after them.
  ///
  /// - Throws: `FileWriteError` when the file is missing, shorter than `validByteCount`, or not writable.
  public init(resuming url: URL, validByteCount: Int, flushInterval: Double = 2) throws(FileWriteError) {
    self.url = url
    self.flushInterval = flushInterval
    descriptor = open(url.path, O_WRONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw FileWriteError(file: url.path, detail: String(cString: strerror(errno))) }
    var status = stat()
    guard fstat(descriptor, &status) == 0, Int(status.st_size) >= validByteCount, validByteCount >= 0 else {
      close(descriptor)
      throw FileWriteError(file: url.path, detail: "it is shorter than the \(validByteCount) bytes the checkpoint recorded")
    }
    guard ftruncate(descriptor, off_t(validByteCount)) == 0, lseek(descriptor, 0, SEEK_END) >= 0 else {
      let reason = String(cString: strerror(errno))
      close(descriptor)
      throw FileWriteError(file: url.path, detail: reason)
    }
    flushedByteCount = validByteCount
    lastFlush = Self.now()
  }

  deinit {
    try? flush()
    close(descriptor)
  }

  /// Queues one event; flushes when `flushInterval` has passed.
  public func append(_ event: Event) {
    pending += TFRecord.frame(event.encoded())
  }

  /// Queues a summary of `values` at `step`, stamped with the time now.
  public func add(_ values: [SummaryValue], step: Int) throws(FileWriteError) {
    append(Event(wallTime: Date().timeIntervalSince1970, step: Int64(step), content: .summary(values)))
    if Self.now() - lastFlush >= flushInterval { try flush() }
  }

  /// Writes every queued record. On a failed write the file is cut back to its last whole record.
  public func flush() throws(FileWriteError) {
    lastFlush = Self.now()
    guard !pending.isEmpty else { return }
    let written = pending.withUnsafeBytes { buffer -> Int in
      var done = 0
      while done < buffer.count {
        let result = write(descriptor, buffer.baseAddress! + done, buffer.count - done)
        if result < 0 {
          if errno == EINTR { continue }
          return -Int(errno)
        }
        done += result
      }
      return done
    }
    guard written == pending.count else {
      let reason = String(cString: strerror(Int32(-written)))
      _ = ftruncate(descriptor, off_t(flushedByteCount))
      _ = lseek(descriptor, 0, SEEK_END)
      pending.removeAll(keepingCapacity: true)
      throw FileWriteError(file: url.path, detail: reason)
    }
    flushedByteCount += written
    pending.removeAll(keepingCapacity: true)
  }

  /// The machine's name, as TensorBoard's writers put it in file names.
  public static func hostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
    let name = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    return name.isEmpty ? "localhost" : name
  }

  private static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
  }
}
