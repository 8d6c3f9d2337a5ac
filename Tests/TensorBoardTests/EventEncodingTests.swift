import Foundation
import Testing
import FileIO
import TensorBoard

private func fixture(_ name: String) throws -> [UInt8] {
  guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
    throw EventFileReader.Malformed(description: "no fixture \(name)")
  }
  return [UInt8](try Data(contentsOf: url))
}

/// The events `scripts/reference/tensorboard_fixtures.py` builds with TensorBoard's own classes.
private let versionEvent = Event(wallTime: 1_700_000_000.25, step: 0, content: .fileVersion("brain.Event:2"))
private let scalarEvent = Event(
  wallTime: 1_700_000_001.5, step: 1234,
  content: .summary([.scalar("charts/episodic_return", -0.75), .scalar("losses/td_loss", 0.015625)]))
private let imageEvent = Event(
  wallTime: 1_700_000_002, step: 300_000,
  content: .summary([SummaryValue(tag: "eval/frame", .image(png: [0x89, 0x50, 0x4E, 0x47, 1, 2, 3], height: 2, width: 3, channels: 1))]))
private let textEvent = Event(
  wallTime: 1_700_000_003, step: 0,
  content: .summary([SummaryValue(tag: "preset", .text("network: minatar\nbatchSize: 32 — ünïcode"))]))

@Suite struct EventEncodingTests {
  @Test func crc32cGivesTheStandardCheckValue() {
    #expect(CRC32C.checksum(of: Array("123456789".utf8)) == 0xE306_9283)
    #expect(CRC32C.checksum(of: []) == 0)
    // RFC 3720 B.4: 32 bytes of zeros, and of 0xFF.
    #expect(CRC32C.checksum(of: [UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    #expect(CRC32C.checksum(of: [UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
    #expect(CRC32C.checksum(of: Array(0..<32)) == 0x46DD_794E)
  }

  @Test(arguments: [("version", versionEvent), ("scalar", scalarEvent), ("image", imageEvent), ("text", textEvent)])
  func eventsEncodeToTensorBoardsBytes(name: String, event: Event) throws {
    #expect(event.encoded() == (try fixture("event-\(name).bin")))
  }

  @Test func framingMatchesTensorBoardsRecordWriter() throws {
    let framed = [versionEvent, scalarEvent, imageEvent, textEvent].flatMap { TFRecord.frame($0.encoded()) }
    #expect(framed == (try fixture("events.tfrecord")))
  }

  @Test func theReaderDecodesWhatWasWritten() throws {
    let events = try TFRecord.records(in: try fixture("events.tfrecord")).map(EventFileReader.decodeEvent)
    #expect(events.count == 4)
    #expect(events[0].fileVersion == "brain.Event:2")
    #expect(events[1].step == 1234 && events[1].scalars == ["charts/episodic_return": -0.75, "losses/td_loss": 0.015625])
    #expect(events[2].images["eval/frame"]?.width == 3)
    #expect(events[3].texts["preset"] == "network: minatar\nbatchSize: 32 — ünïcode")
  }

  @Test func aCutLastRecordIsSkippedAndADamagedOneIsAnError() throws {
    let whole = try fixture("events.tfrecord")
    let lastStart = whole.count - TFRecord.frame(textEvent.encoded()).count
    for cut in [lastStart + 1, lastStart + 11, lastStart + 13, whole.count - 1] {
      #expect(try TFRecord.records(in: Array(whole.prefix(cut))).count == 3, "cut at \(cut)")
    }
    var flipped = whole
    flipped[lastStart + 20] ^= 0x01
    #expect(throws: TFRecordError.self) { try TFRecord.records(in: flipped) }
    var badLength = whole
    badLength[0] ^= 0x01
    #expect(throws: TFRecordError.self) { try TFRecord.records(in: badLength) }
  }

  @Test func pngHasTheSignatureHeaderAndTrailerOfAGrayscaleImage() {
    let pixels: [UInt8] = [0, 64, 128, 255, 1, 2]
    let png = PNGEncoder.encode(pixels: pixels, height: 2, width: 3, channels: 1)
    #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    #expect(Array(png[12..<16]) == Array("IHDR".utf8))
    #expect(Array(png[16..<24]) == [0, 0, 0, 3, 0, 0, 0, 2])
    #expect(png[24] == 8 && png[25] == 0)
    #expect(Array(png.suffix(8).prefix(4)) == Array("IEND".utf8))
  }
}

@Suite struct EventFileWriterTests {
  private func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("events-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test func writesTheVersionFirstThenSummariesInOrder() throws {
    let dir = try folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent(EventFileWriter.fileName(time: 1_700_000_000, host: "test"))
    #expect(url.lastPathComponent == "events.out.tfevents.1700000000.test")
    let writer = try EventFileWriter(creating: url, flushInterval: 1000)
    for step in [10, 20, 30] { try writer.add([.scalar("charts/epsilon", Float(step) / 100)], step: step) }
    // Not flushed yet: only the version record is on disk.
    #expect(try EventFileReader.read(url).count == 1)
    try writer.flush()
    let events = try EventFileReader.read(url)
    #expect(events.first?.fileVersion == "brain.Event:2")
    #expect(events.dropFirst().map(\.step) == [10, 20, 30])
    #expect(events.last?.scalars["charts/epsilon"] == 0.3)
    #expect(EventFileWriter.files(in: dir) == [url])
  }

  @Test func resumingCutsBackToTheCheckpointSoNoStepRepeats() throws {
    let dir = try folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("events.out.tfevents.1.test")
    var checkpoint = 0
    do {
      let writer = try EventFileWriter(creating: url)
      try writer.add([.scalar("x", 1)], step: 100)
      try writer.flush()
      checkpoint = writer.flushedByteCount
      try writer.add([.scalar("x", 2)], step: 200)  // after the checkpoint: lost with the crash
      try writer.flush()
    }
    let resumed = try EventFileWriter(resuming: url, validByteCount: checkpoint)
    try resumed.add([.scalar("x", 3)], step: 200)
    try resumed.flush()
    let events = try EventFileReader.read(url)
    #expect(events.dropFirst().map(\.step) == [100, 200])
    #expect(events.last?.scalars["x"] == 3)
    #expect(throws: FileWriteError.self) { try EventFileWriter(resuming: url, validByteCount: 1 << 20) }
  }
}
