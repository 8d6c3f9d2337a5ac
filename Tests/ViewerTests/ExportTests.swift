import Foundation
import GridGames
import Testing

@testable import Viewer

extension SDLTests {
  @Test func gifDecodesToEveryFrameAtTheRightSize() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let replay = try randomRecording(catchDefinition(), episodes: 2)
    let expectedFrames = replay.episodes.reduce(0) { $0 + $1.actions.count + 1 }
    let gifURL = directory.appendingPathComponent("catch.gif")
    let framesURL = directory.appendingPathComponent("frames")
    let exporter = RecordingExporter(recording: replay, file: "r.replay", scale: 6)
    let summary = try exporter.export(gif: gifURL, framesDirectory: framesURL, delayCentiseconds: 7)
    #expect(summary.frames == expectedFrames)
    let frameShape = replay.environment.frameShape  // catch: no resize, so this is the grid
    #expect(summary.width == max(frameShape.width * 6, RecordingExporter.minimumWidth))
    #expect(summary.height == frameShape.height * 6 + RecordingExporter.stripHeight)

    let gif = try GIFFile.read(gifURL)
    #expect(gif.frames.count == expectedFrames)
    #expect(gif.width == summary.width && gif.height == summary.height)
    #expect(gif.loops)
    #expect(gif.delays.allSatisfy { $0 == 7 })
    // The game area of the first frame is the reset frame scaled, colour for colour.
    var environment = try replay.environment.makeEnvironment()
    _ = environment.reset(seed: replay.episodes[0].seed)
    let first = try environment.renderFrame(cellPixels: replay.environment.cellPixels, colorMode: .rgb)
    let gameRect = RecordingExporter.gameRect(
      imageWidth: summary.width, gameWidth: frameShape.width * 6, gameHeight: frameShape.height * 6)
    #expect(crop(gif.frames[0], gameRect) == scaledRGB(first, by: 6))

    let pngs = try FileManager.default.contentsOfDirectory(atPath: framesURL.path).filter { $0.hasSuffix(".png") }.sorted()
    #expect(pngs.count == expectedFrames)
    #expect(pngs.first == "frame-000000.png")
    let png = try PNGFile.read(framesURL.appendingPathComponent(pngs[0]))
    #expect(png.width == summary.width && png.height == summary.height)
    #expect(png == gif.frames[0], "PNG and GIF frames agree (the palette covers every colour)")
  }

  @Test func gifOfATamperedReplayIsNotWritten() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var replay = try randomRecording(catchDefinition(), episodes: 1)
    replay.episodes[0].frameHashes[2] ^= 1
    let gifURL = directory.appendingPathComponent("bad.gif")
    #expect(throws: ViewerError.self) {
      try RecordingExporter(recording: replay, file: "r.replay").export(gif: gifURL, framesDirectory: nil)
    }
    #expect(!FileManager.default.fileExists(atPath: gifURL.path))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "no temporary left behind")
  }

  @Test func unwritableGifIsNamed() throws {
    let replay = try randomRecording(catchDefinition(), episodes: 1)
    #expect {
      try RecordingExporter(recording: replay, file: "r.replay").export(gif: URL(fileURLWithPath: "/nonexistent/x.gif"), framesDirectory: nil)
    } throws: { error in
      (error as? ViewerError)?.description.hasPrefix("cannot write /nonexistent/x.gif") ?? false
    }
  }

  @Test func gifWriterUsesLocalPalettesForNewColours() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("two.gif")
    try GIFWriter.write(to: url, width: 2, height: 1) { writer throws(ViewerError) in
      try writer.add(Frame(height: 1, width: 2, channels: 3, pixels: [0, 0, 0, 255, 0, 0]), delayCentiseconds: 5)
      try writer.add(Frame(height: 1, width: 2, channels: 3, pixels: [0, 255, 0, 0, 0, 255]), delayCentiseconds: 5)
    }
    let gif = try GIFFile.read(url)
    #expect(gif.frames.map(\.pixels) == [[0, 0, 0, 255, 0, 0], [0, 255, 0, 0, 0, 255]])
  }
}
