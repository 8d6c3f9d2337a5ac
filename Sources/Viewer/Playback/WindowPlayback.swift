import Foundation
import GridGames

/// Runs a `PlaybackSession` in a real window: opens SDL video and the window, loops until the
/// session ends or the person quits, and closes everything before SDL quits.
public enum WindowPlayback {
  /// How the window runs.
  public struct Settings {
    public var title: String
    /// Screen pixels per frame pixel.
    public var scale: Int
    /// Key-map lines for a person (nil: Q-value bars).
    public var keyMapLines: [String]?
    public var episodeTotal: Int?
    /// Use SDL's software renderer (deterministic pixels).
    public var software = false
    /// Scripted keys (see `ScriptedEventSource(parsing:)`), merged with real input.
    public var keyScript: ScriptedEventSource?
    /// Stop after this many frames.
    public var maxFrames: Int?
    /// Follow real time (false: one step per frame, as fast as possible).
    public var paced = true
    /// Save the last drawn frame here as a PNG.
    public var screenshot: URL?

    public init(title: String, scale: Int, keyMapLines: [String]? = nil, episodeTotal: Int? = nil) {
      self.title = title
      self.scale = scale
      self.keyMapLines = keyMapLines
      self.episodeTotal = episodeTotal
    }
  }

  /// Opens the window and plays; returns the number of frames drawn.
  ///
  /// - Throws: `ViewerError.noDisplay` without a display, `.fontMissing`, `.sdl`, or what the
  ///   session throws (a replay frame mismatch).
  @discardableResult
  public static func run(_ session: PlaybackSession, settings: Settings) throws(ViewerError) -> Int {
    if let screenshot = settings.screenshot { try OutputFile.checkParentDirectory(of: screenshot) }
    return try VideoSystem.run { () throws(ViewerError) -> Int in
      let view = try PlaybackView(
        session: session, title: settings.title, scale: settings.scale, keyMapLines: settings.keyMapLines,
        episodeTotal: settings.episodeTotal)
      let window = try Window(
        title: settings.title, width: view.layout.windowWidth, height: view.layout.windowHeight, software: settings.software)
      defer { window.close() }
      var events = MergedEventSource(script: settings.keyScript ?? ScriptedEventSource())
      var lastImage: Frame?
      let wantsScreenshot = settings.screenshot != nil
      let options = ViewerLoop.Options(maxFrames: settings.maxFrames, paced: settings.paced) { _, renderer throws(ViewerError) in
        if wantsScreenshot { lastImage = try renderer.readPixels() }
      }
      let frames = try ViewerLoop.run(session, view: view, renderer: window.renderer, events: &events, options: options)
      if let screenshot = settings.screenshot, let lastImage { try PNGFile.write(lastImage, to: screenshot) }
      return frames
    }
  }
}

/// Scripted events first, then whatever SDL has queued (so closing the window always works).
struct MergedEventSource: EventSource {
  var script: ScriptedEventSource
  var live = SDLEventSource()

  mutating func events(atFrame frame: Int) -> [InputEvent] {
    script.events(atFrame: frame) + live.events(atFrame: frame)
  }
}
