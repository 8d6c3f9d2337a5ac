import Foundation
import Viewer

/// Fails early, before anything is played, when `url` cannot be written.
func checkWritable(_ url: URL) throws {
  let directory = url.deletingLastPathComponent().path
  var isDirectory: ObjCBool = false
  guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
    throw ViewerError.unwritable(file: url.path, detail: "the folder \(directory) does not exist")
  }
  guard FileManager.default.isWritableFile(atPath: directory) else {
    throw ViewerError.unwritable(file: url.path, detail: "the folder \(directory) is not writable")
  }
}
