import FileIO
import Foundation

/// Checks on output paths made before long work (a GIF export, a window session), so that a bad
/// path fails at once; the files themselves are written with `AtomicFile`.
enum OutputFile {
  /// Throws unless `url`'s folder exists and is writable.
  ///
  /// - Throws: `ViewerError.unwritable` naming the file.
  static func checkParentDirectory(of url: URL) throws(ViewerError) {
    do {
      try AtomicFile.checkParentDirectory(of: url)
    } catch {
      throw ViewerError(error)
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
