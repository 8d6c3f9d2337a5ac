import FileIO
import Foundation
import Testing

@Suite struct AtomicFileTests {
  private func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("atomicfile-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test func replacesTheFileWholeAndLeavesNoTemporary() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("out.txt")
    try AtomicFile.write("first", to: url)
    try AtomicFile.write("second", to: url)
    #expect(try String(contentsOf: url, encoding: .utf8) == "second")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.txt"])
  }

  @Test func aFailingWriterKeepsTheOldFileAndRemovesItsTemporary() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("out.bin")
    try AtomicFile.write("old", to: url)
    struct Boom: Error {}
    #expect(throws: FileWriteError.self) {
      try AtomicFile.write(to: url) { handle in
        try handle.write(contentsOf: Data("partial".utf8))
        throw Boom()
      }
    }
    #expect(try String(contentsOf: url, encoding: .utf8) == "old")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.bin"])
  }

  @Test func aPathWriterThatWritesNothingFails() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("image.png")
    #expect(throws: FileWriteError.self) {
      try AtomicFile.write(to: url, throughPath: { path in
        _ = FileManager.default.createFile(atPath: path, contents: Data())
      })
    }
    #expect(!FileManager.default.fileExists(atPath: url.path))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    try AtomicFile.write(to: url, throughPath: { path in
      _ = FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3]))
    })
    #expect(try Data(contentsOf: url) == Data([1, 2, 3]))
  }

  @Test func aMissingFolderIsNamedInTheError() {
    let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/file.txt")
    do {
      try AtomicFile.write("x", to: url)
      Issue.record("the write should have failed")
    } catch {
      #expect(error.file == url.path)
      #expect(error.description.contains("does not exist"))
    }
  }
}
