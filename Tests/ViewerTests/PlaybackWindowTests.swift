import Foundation
import GridGames
import Testing

@testable import Viewer

extension SDLTests {
  /// One drawn frame of a scripted run: the pixels and what the session showed.
  struct Shot {
    var image: Frame
    var displayFrame: Frame
    var stepIndex: Int
    var isPaused: Bool
    var upcoming: Decision?
  }

  /// Runs `session` in a dummy-driver window for `frames` frames with `keys`, capturing each frame.
  func runScripted(
    _ session: PlaybackSession, keys: String, frames: Int, scale: Int, keyMapLines: [String]? = nil
  ) throws -> (layout: PlaybackLayout, shots: [Shot]) {
    var shots: [Shot] = []
    var layout: PlaybackLayout?
    try VideoSystem.run { () throws(ViewerError) in
      let view = try PlaybackView(session: session, title: "test", scale: scale, keyMapLines: keyMapLines)
      layout = view.layout
      let window = try Window(
        title: "test", width: view.layout.windowWidth, height: view.layout.windowHeight, software: true)
      defer { window.close() }
      var events = try ScriptedEventSource(parsing: keys)
      let options = ViewerLoop.Options(maxFrames: frames, paced: false) { _, renderer throws(ViewerError) in
        shots.append(Shot(
          image: try renderer.readPixels(), displayFrame: session.displayFrame, stepIndex: session.stepIndex,
          isPaused: session.isPaused, upcoming: session.shownDecision))
      }
      try ViewerLoop.run(session, view: view, renderer: window.renderer, events: &events, options: options)
    }
    return (try #require(layout), shots)
  }

  @Test func watchShowsScaledGameAndQValueBars() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let definition = catchDefinition()
    let agent = try TrainedAgent(folder: try makeRunFolder(for: definition, in: directory))
    let source = try AgentActionSource(agent: agent, environment: definition, epsilon: 0, seed: 1)
    let session = try PlaybackSession(definition: definition, source: source, scheme: .watch, episodeLimit: 3)
    let scale = 12
    // Frames 1–2 step, 3 pauses (space), 4 holds, 5 steps once (→), 6 holds, 7 steps once (.).
    let (layout, shots) = try runScripted(session, keys: "3:space 5:right 7:period", frames: 9, scale: scale)
    #expect(shots.count == 9)
    #expect(shots.map(\.stepIndex) == [0, 1, 2, 2, 2, 3, 3, 4, 4])
    #expect(shots[3].isPaused && shots[8].isPaused)

    for shot in shots {
      // The game area is the environment's RGB frame scaled with crisp (nearest) pixels.
      #expect(crop(shot.image, layout.gameRect) == scaledRGB(shot.displayFrame, by: scale))
      // One bar per action; the chosen one in the highlight colour, the others in the bar colour.
      let decision = try #require(shot.upcoming)
      let q = try #require(decision.qValues)
      #expect(q.count == 3)
      for action in 0..<3 {
        let fill = layout.barFill(action: action, qValues: q)
        let center = fill.center
        let expected = action == decision.action ? PlaybackView.highlightColor : PlaybackView.barColor
        #expect(color(shot.image, x: center.x, y: center.y) == expected, "action \(action) at \(fill)")
        #expect(layout.panelRect.contains(x: center.x, y: center.y))
      }
    }
    // The panel has text drawn in it (some pixels in the text colour's neighbourhood).
    let panel = crop(shots[0].image, layout.panelRect)
    #expect(Set(stride(from: 0, to: panel.pixels.count, by: 3).map { panel.pixels[$0] }).count > 5)
  }

  @Test func restartAndQuitKeys() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let definition = catchDefinition()
    let agent = try TrainedAgent(folder: try makeRunFolder(for: definition, in: directory))
    let source = try AgentActionSource(agent: agent, environment: definition, epsilon: 0, seed: 1)
    let session = try PlaybackSession(definition: definition, source: source, episodeLimit: 3)
    let (_, shots) = try runScripted(session, keys: "3:r 5:q", frames: 20, scale: 4)
    #expect(shots.map(\.stepIndex) == [0, 1, 2, 0, 1])
    #expect(session.isQuitRequested)
  }

  @Test func playFollowsTheKeysAndShowsTheKeyMap() throws {
    let definition = catchDefinition()
    let source = HumanActionSource(actionNames: definition.actionNames, seed: 4)
    let recorder = Recorder(environment: definition, seed: 4, agent: nil)
    let session = try PlaybackSession(definition: definition, source: source, scheme: .play, recorder: recorder)
    let scale = 10
    // Hold ← over frames 1–2, release, tap → at 4, p pauses at 6 (space is fire, not pause).
    let (layout, shots) = try runScripted(
      session, keys: "1:+left 3:-left 4:right 5:space 6:p", frames: 8, scale: scale, keyMapLines: source.keyMapLines)
    #expect(shots.map(\.stepIndex) == [0, 1, 2, 3, 4, 5, 5, 5])
    let replay = recorder.finish()
    // left, left, stay, right, stay (space does nothing in catch)
    #expect(replay.episodes.first?.actions == [0, 0, 1, 2, 1])
    for shot in shots {
      #expect(crop(shot.image, layout.gameRect) == scaledRGB(shot.displayFrame, by: scale))
      // No Q-value bars for a person: no highlight colour anywhere in the panel.
      let panel = crop(shot.image, layout.panelRect)
      var hasHighlight = false
      for pixel in stride(from: 0, to: panel.pixels.count, by: 3)
      where panel.pixels[pixel] == 255 && panel.pixels[pixel + 1] == 190 && panel.pixels[pixel + 2] == 40 {
        hasHighlight = true
      }
      #expect(!hasHighlight)
    }
    // The recording of what was played verifies.
    #expect(try replay.verify(file: "played.replay").count == 1)
  }

  @Test func replayInWindowStopsAtATamperedFrame() throws {
    var replay = try randomRecording(catchDefinition(), episodes: 1)
    replay.episodes[0].frameHashes[3] ^= 0xff
    let session = try PlaybackSession(
      definition: replay.environment, source: RecordingActionSource(recording: replay, file: "t.replay"))
    #expect {
      _ = try runScripted(session, keys: "", frames: 20, scale: 4)
    } throws: { error in
      guard case ViewerError.frameMismatch(_, 0, 3, _, _) = error else { return false }
      return true
    }
  }

  @Test func windowReportsTheDriverAndRenderer() throws {
    try VideoSystem.run { () throws(ViewerError) in
      let window = try Window(title: "t", width: 64, height: 48, software: true)
      defer { window.close() }
      #expect(VideoSystem.currentDriver == "dummy")
      #expect(window.rendererName == "software")
      window.renderer.clear(RGBColor(red: 1, green: 2, blue: 3))
      let image = try window.renderer.readPixels()
      #expect(image.width == 64 && image.height == 48)
      #expect(color(image, x: 10, y: 10) == RGBColor(red: 1, green: 2, blue: 3))
    }
  }
}
