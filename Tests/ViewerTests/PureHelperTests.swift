import Foundation
import GridGames
import Testing

@testable import Viewer

@Suite struct AxisScaleTests {
  @Test func niceTicks() {
    let scale = AxisScale(minimum: 0, maximum: 19_800, targetTicks: 7)
    #expect(scale.lower == 0)
    #expect(scale.upper == 20_000)
    #expect(scale.ticks.first == 0)
    #expect(scale.label(20_000) == "20k")
    let small = AxisScale(minimum: -1, maximum: 1)
    #expect(small.ticks.contains(0))
    #expect(small.label(0.5) == "0.5")
    let flat = AxisScale(minimum: 3, maximum: 3)
    #expect(flat.lower < 3 && flat.upper > 3)
  }

  @Test func movingAverageIsTrailing() {
    #expect(LearningCurvePlot.movingAverage([1, 2, 3, 4], window: 2) == [1, 1.5, 2.5, 3.5])
    #expect(LearningCurvePlot.smoothingWindow(count: 5) == 1)
    #expect(LearningCurvePlot.smoothingWindow(count: 100_000) == 100)
  }
}

@Suite struct ColorQuantizerTests {
  @Test func exactColoursKeepTheirIndex() {
    let frame = Frame(height: 1, width: 3, channels: 3, pixels: [0, 0, 0, 255, 255, 255, 0, 0, 0])
    let palette = ColorQuantizer.palette(for: frame)
    #expect(palette == [RGBColor(red: 0, green: 0, blue: 0), RGBColor(red: 255, green: 255, blue: 255)])
    var quantizer = ColorQuantizer(palette: palette)
    #expect(quantizer.coversExactly(frame))
    #expect(quantizer.indices(of: frame) == [0, 1, 0])
    #expect(quantizer.index(red: 250, green: 250, blue: 250) == 1)
  }

  @Test func manyColoursAreCappedAt256() {
    var pixels: [UInt8] = []
    for value in 0..<1000 { pixels += [UInt8(value % 256), UInt8(value / 256 * 40), 7] }
    let frame = Frame(height: 1, width: 1000, channels: 3, pixels: pixels)
    #expect(ColorQuantizer.palette(for: frame).count == 256)
  }
}

@Suite struct InputTests {
  @Test func scriptParses() throws {
    var script = try ScriptedEventSource(parsing: "2:space 3:+left,5:-left 7:quit")
    #expect(script.events(atFrame: 2) == [.keyDown(.space), .keyUp(.space)])
    #expect(script.events(atFrame: 3) == [.keyDown(.left)])
    #expect(script.events(atFrame: 5) == [.keyUp(.left)])
    #expect(script.events(atFrame: 7) == [.quit])
    #expect(script.events(atFrame: 4).isEmpty)
    #expect(throws: ViewerError.self) { try ScriptedEventSource(parsing: "2:banana") }
    #expect(throws: ViewerError.self) { try ScriptedEventSource(parsing: "space") }
  }

  @Test func controlSchemes() {
    #expect(ControlScheme.watch.control(for: .space) == .togglePause)
    #expect(ControlScheme.watch.control(for: .right) == .stepOnce)
    #expect(ControlScheme.play.control(for: .space) == nil)
    #expect(ControlScheme.play.control(for: .right) == nil)
    #expect(ControlScheme.play.control(for: .p) == .togglePause)
    #expect(ControlScheme.watch.control(for: .escape) == .quit)
  }

  @Test func humanKeyMapFollowsActionNames() {
    let minAtar = HumanActionSource(actionNames: ["noop", "left", "up", "right", "down", "fire"], seed: 0)
    #expect(minAtar.keyMap == [.left: 1, .up: 2, .right: 3, .down: 4, .space: 5])
    #expect(minAtar.idleAction == 0)
    let catchGame = HumanActionSource(actionNames: ["left", "stay", "right"], seed: 0)
    #expect(catchGame.idleAction == 1)
    #expect(catchGame.keyMapLines == ["←  left", "→  right", "(none)  stay"])
  }

  @Test func heldAndTappedKeys() throws {
    let source = HumanActionSource(actionNames: ["left", "stay", "right"], seed: 0)
    #expect(try source.nextAction() == 1)
    source.key(.left, isDown: true)
    #expect(try source.nextAction() == 0)
    #expect(try source.nextAction() == 0)
    source.key(.right, isDown: true)
    #expect(try source.nextAction() == 2)
    source.key(.right, isDown: false)
    #expect(try source.nextAction() == 0)
    source.key(.left, isDown: false)
    #expect(try source.nextAction() == 1)
    source.key(.right, isDown: true)
    source.key(.right, isDown: false)
    #expect(try source.nextAction() == 2, "a tap between steps counts")
    #expect(try source.nextAction() == 1)
  }

  @Test func noDisplayIsReported() {
    #expect(throws: ViewerError.self) { try VideoSystem.checkDisplay(environment: [:]) }
    #expect(throws: ViewerError.self) { try VideoSystem.checkDisplay(environment: ["DISPLAY": "", "SDL_VIDEODRIVER": ""]) }
    #expect(throws: Never.self) { try VideoSystem.checkDisplay(environment: ["SDL_VIDEODRIVER": "dummy"]) }
    #expect(throws: Never.self) { try VideoSystem.checkDisplay(environment: ["DISPLAY": ":99"]) }
  }
}

@Suite struct RunMetricsTests {
  @Test func readsMetricsAndEval() throws {
    let folder = try temporaryDirectory("run")
    defer { try? FileManager.default.removeItem(at: folder) }
    try "step,episode,return,length,epsilon,loss,max_q,wall_time\n10,1,1.0,10,0.9,,,0.1\n20,2,-1.0,10,0.8,0.5,0.25,0.2\n"
      .write(to: folder.appendingPathComponent("metrics.csv"), atomically: true, encoding: .utf8)
    try "step,mean_return,std_return,episodes,wall_time\n20,0.5,0.1,10,0.3\n"
      .write(to: folder.appendingPathComponent("eval.csv"), atomically: true, encoding: .utf8)
    let metrics = try RunMetrics.load(folder)
    #expect(metrics.episodes.count == 2)
    #expect(metrics.episodes[0].loss == nil)
    #expect(metrics.episodes[1].loss == 0.5)
    #expect(metrics.episodes[1].maxQ == 0.25)
    #expect(metrics.evaluations == [RunMetrics.Evaluation(step: 20, meanReturn: 0.5, standardDeviation: 0.1)])
  }

  @Test func badFilesAreNamed() throws {
    let folder = try temporaryDirectory("run")
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect {
      try RunMetrics.load(folder)
    } throws: { error in
      (error as? ViewerError)?.description.contains("no readable metrics.csv") ?? false
    }
    try "step,episode,return\n10,1,abc\n".write(to: folder.appendingPathComponent("metrics.csv"), atomically: true, encoding: .utf8)
    #expect {
      try RunMetrics.load(folder)
    } throws: { error in
      (error as? ViewerError)?.description.contains("metrics.csv:2: 'abc' in column 'return' is not a number") ?? false
    }
  }
}

@Suite struct ScoreTextTests {
  @Test func wholeAndFractionalScores() {
    #expect(PlaybackView.scoreText(3) == "3")
    #expect(PlaybackView.scoreText(-1) == "-1")
    #expect(PlaybackView.scoreText(-0.069_999_998_4) == "-0.07")
  }
}
