import DQN
import FileIO
import Foundation
import GridGames
import TensorBoard
import Testing

/// `dqn train`'s event files, read back with the test reader and compared with the CSV files.
@Suite struct TrainingEventsTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static func catchRun(_ folder: URL, checkpointInterval: Int = 0) throws -> Trainer {
    let definition = try EnvironmentDefinition.resolve("catch", searchDirectory: root.appendingPathComponent("Environments"))
    var preset = try AgentPreset.resolve("catch", searchDirectory: root.appendingPathComponent("Agents"))
    try preset.apply(overrides: ["learningStarts=200", "evalInterval=500", "evalEpisodes=5", "checkpointInterval=\(checkpointInterval)"])
    return try Trainer(newRunAt: folder, preset: preset, environment: definition, seed: 4)
  }

  static func scratch() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("events-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// The rows of a CSV file (header dropped), split into columns.
  static func rows(_ url: URL) throws -> [[String]] {
    try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
      .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
  }

  /// (step, value) of every point of `tag`, in file order.
  static func points(_ events: [EventFileReader.DecodedEvent], _ tag: String) -> [(Int64, Float)] {
    events.compactMap { event in event.scalars[tag].map { (event.step, $0) } }
  }

  static func onlyEventFile(in folder: URL) throws -> URL {
    let files = EventFileWriter.files(in: folder)
    #expect(files.count == 1, "\(files)")
    return try #require(files.first)
  }

  @Test func aCatchRunsEventsMatchItsCSVFiles() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let trainer = try Self.catchRun(directory.appendingPathComponent("run"))
    _ = try trainer.train(toStep: 1_500)
    let events = try EventFileReader.read(try Self.onlyEventFile(in: trainer.folder.url))

    #expect(events.first?.fileVersion == "brain.Event:2")
    #expect(zip(events, events.dropFirst()).allSatisfy { $0.step <= $1.step }, "steps go backwards")
    let settings = try #require(events.compactMap { $0.texts["settings"] }.first)
    #expect(settings.contains("network: minatar") && settings.contains("game: catch"))

    let metrics = try Self.rows(trainer.folder.metricsFile)
    #expect(metrics.count > 100)
    let returns = Self.points(events, "charts/episodic_return")
    #expect(returns.map { Int($0.0) } == metrics.map { Int($0[0])! })
    #expect(returns.map { Double($0.1) } == metrics.map { Double($0[2])! })
    #expect(Self.points(events, "charts/episodic_length").map { Int($0.1) } == metrics.map { Int($0[3])! })
    #expect(Self.points(events, "charts/epsilon").map(\.1) == metrics.map { Float($0[4])! })
    // Losses only where updates happened since the previous row, as in the CSV.
    let losses = Self.points(events, "losses/td_loss")
    #expect(losses.map { Int($0.0) } == metrics.filter { !$0[5].isEmpty }.map { Int($0[0])! })
    #expect(losses.map(\.1) == metrics.filter { !$0[5].isEmpty }.map { Float(Double($0[5])!) })
    #expect(Self.points(events, "losses/q_values").count == losses.count)
    #expect(Self.points(events, "charts/SPS").allSatisfy { $0.1 > 0 })

    let evaluations = try Self.rows(trainer.folder.evalFile)
    #expect(evaluations.map { Int($0[0])! } == [500, 1_000, 1_500])
    #expect(Self.points(events, "eval/mean_return").map { Double($0.1) } == evaluations.map { Double(Float(Double($0[1])!)) })
    #expect(Self.points(events, "eval/std_return").count == evaluations.count)
    let frames = events.compactMap { event in event.images["eval/frame"].map { (event.step, $0) } }
    #expect(frames.map(\.0) == [500, 1_000, 1_500])
    // Catch's 10×5 frame, each pixel drawn as a 16×16 block.
    #expect(frames.allSatisfy { $0.1.height == 160 && $0.1.width == 80 && $0.1.png.starts(with: [0x89, 0x50, 0x4E, 0x47]) })
  }

  @Test func resumingAfterACrashContinuesTheStreamWithoutRepeatingAStep() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let straight = try Self.catchRun(directory.appendingPathComponent("straight"), checkpointInterval: 1_000)
    let crashed = directory.appendingPathComponent("crashed")
    _ = try straight.train(toStep: 2_000, observer: { event in
      // The folder as a crash right after the checkpoint at step 1000 would leave it …
      if case .checkpoint(step: 1_000) = event {
        try? FileManager.default.copyItem(at: straight.folder.url, to: crashed)
      }
    })
    // … with events written after the checkpoint, and a last record cut in half by the kill.
    let crashedFile = try Self.onlyEventFile(in: crashed)
    let length = try Data(contentsOf: crashedFile).count
    do {
      let writer = try EventFileWriter(resuming: crashedFile, validByteCount: length)
      for step in stride(from: 1_010, through: 1_200, by: 10) { try writer.add([.scalar("charts/episodic_return", 7)], step: step) }
      try writer.flush()
    }
    let handle = try FileHandle(forWritingTo: crashedFile)
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(TFRecord.frame(Event(wallTime: 1, step: 1_300, content: .summary([.scalar("x", 1)])).encoded()).prefix(20)))
    try handle.close()

    _ = try Trainer(resuming: crashed).train(toStep: 2_000)
    let resumed = try EventFileReader.read(try Self.onlyEventFile(in: crashed))
    let original = try EventFileReader.read(try Self.onlyEventFile(in: straight.folder.url))
    for tag in ["charts/episodic_return", "charts/episodic_length", "losses/td_loss", "eval/mean_return"] {
      let steps = Self.points(resumed, tag).map(\.0)
      #expect(Set(steps).count == steps.count, "\(tag): a step appears twice")
      #expect(steps == Self.points(original, tag).map(\.0), "\(tag)")
      #expect(Self.points(resumed, tag).map(\.1) == Self.points(original, tag).map(\.1), "\(tag)")
    }
  }
}

/// The `dqn` executable, killed mid-run and run without event files.
@Suite struct TrainCommandEventsTests {
  static func dqn(_ arguments: [String]) throws -> Process {
    var products = Bundle.main.bundleURL
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
      products = bundle.bundleURL.deletingLastPathComponent()
    }
    let process = Process()
    process.executableURL = products.appendingPathComponent("dqn")
    process.arguments = arguments
    process.currentDirectoryURL = TrainingEventsTests.root
    var variables = ProcessInfo.processInfo.environment
    variables["OPENBLAS_NUM_THREADS"] = "1"
    variables["SDL_VIDEODRIVER"] = "dummy"
    process.environment = variables
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  @Test func aRunKilledWithSIGKILLLeavesAnEventFileThatStillReads() throws {
    let directory = try TrainingEventsTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let run = directory.appendingPathComponent("killed")
    let process = try Self.dqn(["train", "--env", "catch", "--steps", "1000000", "--quiet", "--out", run.path])
    // Wait until a few seconds' worth of events have been flushed, then kill without warning.
    let deadline = Date().addingTimeInterval(60)
    var size = 0
    while size < 20_000 && Date() < deadline && process.isRunning {
      Thread.sleep(forTimeInterval: 0.2)
      size = EventFileWriter.files(in: run).first.flatMap { try? Data(contentsOf: $0).count } ?? 0
    }
    #expect(process.isRunning, "the run ended before it could be killed")
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal)
    let events = try EventFileReader.read(try TrainingEventsTests.onlyEventFile(in: run))
    let returns = TrainingEventsTests.points(events, "charts/episodic_return")
    #expect(returns.count > 100)
    #expect(zip(returns, returns.dropFirst()).allSatisfy { $0.0 < $1.0 }, "steps must increase")
  }

  @Test func noTensorboardWritesNoEventFile() throws {
    let directory = try TrainingEventsTests.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let run = directory.appendingPathComponent("plain")
    let process = try Self.dqn(["train", "--env", "catch", "--steps", "300", "--quiet", "--no-tensorboard", "--out", run.path])
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("metrics.csv").path))
    #expect(EventFileWriter.files(in: run).isEmpty)
  }
}
