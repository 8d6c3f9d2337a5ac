import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The one way `dqn` writes a file: to a temporary name beside the target, flushed to disk, then
/// renamed over the target in one step. An interrupted or failed write never leaves a half-written
/// file in place, and a failed write removes its temporary file and says which file and why.
///
/// Every writer uses it: checkpoints, the experience-replay buffer, recordings, GIF, PNG, models,
/// CSV rewrites. Writers that hand a path to a C library (SDL_image, giflib) use
/// `write(to:throughPath:)`.
public enum AtomicFile {
  /// Writes `data` to `url`.
  ///
  /// - Throws: `FileWriteError` naming `url` and the reason (missing folder, permission, disk full).
  public static func write(_ data: Data, to url: URL) throws(FileWriteError) {
    try write(to: url) { handle in try handle.write(contentsOf: data) }
  }

  /// Writes `text` as UTF-8 to `url`.
  public static func write(_ text: String, to url: URL) throws(FileWriteError) {
    try write(Data(text.utf8), to: url)
  }

  /// Opens a temporary file beside `url`, lets `body` write into it, then flushes and renames it.
  ///
  /// - Throws: `FileWriteError` naming `url`; whatever `body` throws is reported the same way.
  public static func write(to url: URL, streaming body: (FileHandle) throws -> Void) throws(FileWriteError) {
    try checkParentDirectory(of: url)
    try writeTemporary(for: url) { temporary in
      guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
        throw FileWriteError(file: url.path, detail: String(cString: strerror(errno)))
      }
      let handle = try FileHandle(forWritingTo: temporary)
      do {
        try body(handle)
        try handle.synchronize()
        try handle.close()
      } catch {
        try? handle.close()
        throw error
      }
    }
  }

  /// For C libraries that write to a path: `body` writes the file at the temporary path it is
  /// given; an empty result counts as a failure. Then the file is flushed and renamed over `url`.
  public static func write(to url: URL, throughPath body: (String) throws -> Void) throws(FileWriteError) {
    try checkParentDirectory(of: url)
    try writeTemporary(for: url) { temporary in
      try body(temporary.path)
      let size = (try? FileManager.default.attributesOfItem(atPath: temporary.path)[.size] as? Int) ?? 0
      guard size > 0 else { throw FileWriteError(file: url.path, detail: "nothing was written (is the disk full?)") }
      let descriptor = open(temporary.path, O_RDONLY)
      if descriptor >= 0 {
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw FileWriteError(file: url.path, detail: String(cString: strerror(errno))) }
      }
    }
  }

  /// Runs `fill` on the temporary file of `url`, then renames it into place; on any failure the
  /// temporary file is removed and the error is reported against `url`.
  private static func writeTemporary(for url: URL, _ fill: (URL) throws -> Void) throws(FileWriteError) {
    let temporary = temporaryURL(for: url)
    do {
      try FaultInjection.operation(on: url.path)
      try fill(temporary)
      try FaultInjection.operation(on: url.path)
      try commit(temporary, to: url)
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      if let error = error as? FileWriteError { throw error }
      throw FileWriteError(file: url.path, detail: (error as NSError).localizedDescription)
    }
  }

  /// Throws unless `url`'s folder exists and is writable.
  public static func checkParentDirectory(of url: URL) throws(FileWriteError) {
    let directory = url.deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw FileWriteError(file: url.path, detail: "the folder \(directory) does not exist")
    }
    guard FileManager.default.isWritableFile(atPath: directory) else {
      throw FileWriteError(file: url.path, detail: "the folder \(directory) is not writable")
    }
  }

  /// The temporary name a write of `url` uses: hidden, beside it, unique to this process.
  public static func temporaryURL(for url: URL) -> URL {
    url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
  }

  private static func commit(_ temporary: URL, to url: URL) throws(FileWriteError) {
    guard rename(temporary.path, url.path) == 0 else {
      throw FileWriteError(file: url.path, detail: String(cString: strerror(errno)))
    }
    // Make the rename itself durable.
    let folder = open(url.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY)
    if folder >= 0 {
      _ = fsync(folder)
      close(folder)
    }
  }
}

/// A file that could not be written.
public struct FileWriteError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
  /// The file that was to be written.
  public var file: String
  /// Why not, in words (from the system where it said).
  public var detail: String

  public init(file: String, detail: String) {
    self.file = file
    self.detail = detail
  }

  public var description: String { "cannot write \(file): \(detail)" }
  public var errorDescription: String? { description }
}
