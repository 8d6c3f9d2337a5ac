import Foundation

/// Writes output files whole: to a temporary name next to the target, then renamed into place.
enum OutputFile {
  /// - Throws: `ViewerError.unwritable` naming the file.
  static func write(_ data: Data, to url: URL) throws(ViewerError) {
    try checkParentDirectory(of: url)
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
    do {
      try data.write(to: temporary)
    } catch {
      throw .unwritable(file: url.path, detail: (error as NSError).localizedDescription)
    }
    if rename(temporary.path, url.path) != 0 {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(at: temporary)
      throw .unwritable(file: url.path, detail: reason)
    }
  }

  /// Throws unless `url`'s folder exists and is writable.
  static func checkParentDirectory(of url: URL) throws(ViewerError) {
    let directory = url.deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw .unwritable(file: url.path, detail: "the folder \(directory) does not exist")
    }
    guard FileManager.default.isWritableFile(atPath: directory) else {
      throw .unwritable(file: url.path, detail: "the folder \(directory) is not writable")
    }
  }

  /// Creates `url` as a folder (and its parents) or throws `unwritable`.
  static func makeDirectory(_ url: URL) throws(ViewerError) {
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw .unwritable(file: url.path, detail: (error as NSError).localizedDescription)
    }
    guard FileManager.default.isWritableFile(atPath: url.path) else {
      throw .unwritable(file: url.path, detail: "the folder is not writable")
    }
  }
}
