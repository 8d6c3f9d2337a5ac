import Foundation
import Testing

/// On a full disk every command that writes exits non-zero naming the file and the reason, and
/// leaves no 0-byte or temporary file behind. The disk is a 64 KiB tmpfs filled to its last few
/// KiB; where mounting is not allowed (not root, or in a container without the capability), the
/// test prints that it was skipped and why.
@Suite(.serialized) struct FullDiskTests {
  /// Mounts a small tmpfs, fills all but `free` bytes of it, runs `body` with its path, unmounts.
  static func withFullDisk(free: Int = 3 * 1024, _ body: (URL) throws -> Void) throws {
    let mountPoint = try temporaryDirectory("dqn-full-disk")
    defer { try? FileManager.default.removeItem(at: mountPoint) }
    let mount = try runTool("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint.path])
    guard mount.status == 0 else {
      print("FullDiskTests: SKIPPED, cannot mount a tmpfs here (\(mount.output.trimmingCharacters(in: .whitespacesAndNewlines))); the full-disk cases did not run")
      return
    }
    defer { _ = try? runTool("/bin/umount", [mountPoint.path]) }
    // Fill: one filler file grown until writes fail, then cut back to leave `free` bytes.
    let filler = mountPoint.appendingPathComponent("filler")
    _ = FileManager.default.createFile(atPath: filler.path, contents: nil)
    let handle = try FileHandle(forWritingTo: filler)
    var written = 0
    while (try? handle.write(contentsOf: Data(count: 1024))) != nil { written += 1024 }
    try handle.truncate(atOffset: UInt64(max(written - free, 0)))
    try handle.close()
    try body(mountPoint)
  }

  /// Runs a system tool, returning its status and output.
  static func runTool(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  /// Every file under `directory` but the filler: none may be empty or a temporary file, and no
  /// unfinished checkpoint generation may stay.
  static func expectNoDebris(in directory: URL, _ command: String) {
    let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey])
    while let url = enumerator?.nextObject() as? URL {
      guard url.lastPathComponent != "filler" else { continue }
      #expect(!url.lastPathComponent.hasPrefix(".partial-"), "\(command) left the unfinished generation \(url.path)")
      let values = try? url.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey])
      guard values?.isRegularFile == true else { continue }
      #expect(!url.lastPathComponent.contains(".tmp-"), "\(command) left the temporary file \(url.path)")
      #expect((values?.fileSize ?? 0) > 0, "\(command) left the empty file \(url.path)")
    }
  }

  /// `command` must fail, name a file under the full disk and say the disk is full.
  static func expectCleanFailure(_ result: (status: Int32, stdout: String, stderr: String), _ command: String, disk: URL) {
    #expect(result.status != 0, "\(command) claimed success on a full disk: \(result.stdout)")
    #expect(result.stderr.contains(disk.path), "\(command): the error does not name the file: \(result.stderr)")
    let reasons = ["No space left on device", "not enough space", "isn’t enough space", "disk is full", "disk full"]
    #expect(reasons.contains { result.stderr.contains($0) }, "\(command): the error does not give the reason: \(result.stderr)")
    #expect(!result.stdout.contains("wrote ") && !result.stdout.contains("saved "), "\(command) claimed a write: \(result.stdout)")
  }

  @Test func trainPlotRecordAndSupervisedTrainFailCleanlyOnAFullDisk() throws {
    try Self.withFullDisk { disk in
      let train = try runDQN([
        "train", "--env", "catch", "--steps", "300", "--seed", "3", "--quiet", "--out", disk.path + "/run",
        "--set", "checkpointInterval=100", "--set", "evalInterval=0",
      ])
      Self.expectCleanFailure(train, "train", disk: disk)
      Self.expectNoDebris(in: disk, "train")

      let plot = try runDQN(["plot", "Agents/trained/catch", "--out", disk.path + "/curve.png"])
      Self.expectCleanFailure(plot, "plot", disk: disk)
      Self.expectNoDebris(in: disk, "plot")

      let record = try runDQN([
        "record", "--agent", "Agents/trained/catch", "--episodes", "40", "--out", disk.path + "/catch.replay",
      ])
      Self.expectCleanFailure(record, "record", disk: disk)
      Self.expectNoDebris(in: disk, "record")

      let supervised = try runDQN([
        "supervised", "train", "--data", "Datasets/digits/digits.csv.gz", "--model", "mlp", "--epochs", "1",
        "--train-limit", "100", "--out", disk.path + "/model",
      ])
      Self.expectCleanFailure(supervised, "supervised train", disk: disk)
      Self.expectNoDebris(in: disk, "supervised train")
      // No description beside weights it does not describe: model.json is written last.
      let model = disk.appendingPathComponent("model")
      #expect(
        !FileManager.default.fileExists(atPath: model.appendingPathComponent("model.json").path)
          || FileManager.default.fileExists(atPath: model.appendingPathComponent("weights.safetensors").path),
        "supervised train left model.json without its weights")
    }
  }

  /// With room for the run's first files, the disk fills during a checkpoint: the run stops with
  /// the error, no half-written generation is taken as a checkpoint, and `--resume` says there is
  /// none (a restart with the same --out works) instead of training on a mixed state.
  @Test(arguments: [24 * 1024, 48 * 1024])
  func trainFailsCleanlyWhenTheDiskFillsDuringACheckpoint(free: Int) throws {
    try Self.withFullDisk(free: free) { disk in
      let run = disk.path + "/run"
      let train = try runDQN([
        "train", "--env", "catch", "--steps", "300", "--seed", "3", "--quiet", "--out", run,
        "--set", "checkpointInterval=100", "--set", "evalInterval=0",
      ])
      Self.expectCleanFailure(train, "train (\(free) bytes free)", disk: disk)
      Self.expectNoDebris(in: disk, "train (\(free) bytes free)")
      let resumed = try runDQN(["train", "--resume", run, "--steps", "300", "--quiet"])
      #expect(resumed.status != 0)
      #expect(resumed.stderr.contains("no checkpoint") || resumed.stderr.contains("cannot write"), "\(resumed.stderr)")
    }
  }
}
