import Foundation
import GridGames

/// Re-simulates a recording (checking every frame) and writes it as an animated GIF and/or PNG
/// frames: the game scaled with crisp pixels above a strip with the episode, step and score.
public final class RecordingExporter {
  public let recording: Recording
  public let file: String
  /// Screen pixels per frame pixel.
  public let scale: Int
  /// Height of the text strip above the game.
  public static let stripHeight = 22
  public static let stripColor = RGBColor(red: 24, green: 24, blue: 32)
  public static let textColor = RGBColor(red: 255, green: 255, blue: 255)
  /// The narrowest image, so the score line fits above a narrow game (catch is 5 cells wide).
  public static let minimumWidth = 200

  /// - Parameters:
  ///   - file: names the recording in errors.
  ///   - scale: nil picks one that makes the game about 240 pixels tall.
  public init(recording: Recording, file: String, scale: Int? = nil) {
    self.recording = recording
    self.file = file
    let height = recording.environment.frameShape.height
    let cellHeight = recording.environment.observation.resize == nil ? height : Self.gridHeight(recording.environment)
    self.scale = max(1, scale ?? PlaybackView.defaultScale(frameHeight: cellHeight, height: 240))
  }

  private static func gridHeight(_ definition: EnvironmentDefinition) -> Int {
    var unresized = definition
    unresized.observation.resize = nil
    return unresized.frameShape.height
  }

  /// What an export wrote.
  public struct Summary: Sendable, Equatable {
    public var frames: Int
    public var width: Int
    public var height: Int
    public var returns: [Double]
  }

  /// Writes `gif` (if given) and one PNG per frame into `framesDirectory` (if given).
  ///
  /// - Parameter delayCentiseconds: how long each GIF frame shows.
  /// - Throws: `ViewerError` for a frame that does not match the recording, or an unwritable output
  ///   (a half-written GIF is removed and never replaces an existing file).
  @discardableResult
  public func export(gif: URL?, framesDirectory: URL?, delayCentiseconds: Int = 10) throws(ViewerError) -> Summary {
    if let framesDirectory { try OutputFile.makeDirectory(framesDirectory) }
    if let gif { try OutputFile.checkParentDirectory(of: gif) }
    let source = RecordingActionSource(recording: recording, file: file)
    let session = try PlaybackSession(definition: recording.environment, source: source, rendersDisplay: true)
    let font = try Font(size: 14)
    let gameWidth = session.displayFrame.width * scale
    let gameHeight = session.displayFrame.height * scale
    let canvas = try OffscreenCanvas(width: max(gameWidth, Self.minimumWidth), height: gameHeight + Self.stripHeight)
    let gameRect = Self.gameRect(imageWidth: canvas.width, gameWidth: gameWidth, gameHeight: gameHeight)
    defer { canvas.close() }
    let palette = recording.environment.resolvedPalette
    var frames = 0
    var lastFrameNumber = -1
    func play(into writer: GIFWriter?) throws(ViewerError) {
      while true {
        if session.frameNumber != lastFrameNumber {
          lastFrameNumber = session.frameNumber
          let image = try draw(session, on: canvas, in: gameRect, font: font)
          try writer?.add(image, delayCentiseconds: delayCentiseconds)
          if let framesDirectory {
            let name = String(format: "frame-%06d.png", frames)
            try PNGFile.write(image, to: framesDirectory.appendingPathComponent(name))
          }
          frames += 1
        }
        if session.isFinished { break }
        try session.advance()
      }
    }
    if let gif {
      try GIFWriter.write(
        to: gif, width: canvas.width, height: canvas.height,
        seeds: [Self.stripColor, Self.textColor, palette.background] + palette.channels
      ) { writer throws(ViewerError) in try play(into: writer) }
    } else {
      try play(into: nil)
    }
    font.close()
    return Summary(frames: frames, width: canvas.width, height: canvas.height, returns: session.returns)
  }

  /// Where the scaled game goes in an exported image: under the strip, centred.
  public static func gameRect(imageWidth: Int, gameWidth: Int, gameHeight: Int) -> Rect {
    Rect(x: (imageWidth - gameWidth) / 2, y: stripHeight, width: gameWidth, height: gameHeight)
  }

  private func draw(
    _ session: PlaybackSession, on canvas: OffscreenCanvas, in gameRect: Rect, font: Font
  ) throws(ViewerError) -> Frame {
    let renderer = canvas.renderer
    renderer.clear(Self.stripColor)
    try renderer.draw(session.displayFrame, in: gameRect)
    let text = "ep \(session.episodeIndex + 1)  step \(session.stepIndex)  score \(PlaybackView.scoreText(session.score))"
    renderer.text(text, x: 4, y: 2, font: font, Self.textColor, antialiased: false)
    return try renderer.readPixels()
  }
}
