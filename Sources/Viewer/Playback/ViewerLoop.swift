import CSDL2
import Foundation

/// The viewer's loop: input, then (when due) a game step, then drawing, about 60 times a second.
public enum ViewerLoop {
  /// How the loop runs.
  public struct Options {
    /// Stop after this many loop iterations (frames), nil for no limit.
    public var maxFrames: Int?
    /// Real time: steps follow the session's steps/s and the loop sleeps between frames.
    /// Unpaced (tests), every frame is a step when not paused.
    public var paced: Bool
    /// Called after drawing each frame, before it is presented (tests read pixels here).
    public var afterDraw: (Int, Renderer) throws(ViewerError) -> Void

    public init(
      maxFrames: Int? = nil, paced: Bool = true,
      afterDraw: @escaping (Int, Renderer) throws(ViewerError) -> Void = { _, _ in }
    ) {
      self.maxFrames = maxFrames
      self.paced = paced
      self.afterDraw = afterDraw
    }
  }

  /// Runs until the session quits or finishes, or the frame budget is spent; returns the
  /// number of frames drawn.
  @discardableResult
  public static func run<Events: EventSource>(
    _ session: PlaybackSession, view: PlaybackView, renderer: Renderer, events: inout Events, options: Options
  ) throws(ViewerError) -> Int {
    var frame = 0
    var last = Date()
    var owed: Double = 0
    var lingering = 0
    while !session.isQuitRequested {
      if let maxFrames = options.maxFrames, frame >= maxFrames { break }
      for event in events.events(atFrame: frame) { session.handle(event) }
      if session.isQuitRequested { break }
      if options.paced {
        let now = Date()
        owed = min(owed + now.timeIntervalSince(last) * session.stepsPerSecond, 2)
        last = now
        // The first frame shows the reset frame; after that, one step per 1/stepsPerSecond.
        let isDue = frame > 0 && owed >= 1
        if isDue { owed -= 1 }
        try session.tick(stepIsDue: isDue)
      } else if frame > 0 {
        try session.tick(stepIsDue: true)
      }
      try view.draw(session, on: renderer)
      try options.afterDraw(frame, renderer)
      renderer.present()
      frame += 1
      if session.isFinished {
        // Leave the last frame up for a second in a window; stop at once unpaced.
        lingering += 1
        if !options.paced || lingering > 60 { break }
      }
      if options.paced { SDL_Delay(15) }
    }
    return frame
  }
}
