import Foundation
import GridGames

/// Draws a `PlaybackSession` into a renderer: the game scaled with crisp pixels, and the panel
/// with the episode, step, score, last action, speed, and either a Q-value bar per action (the
/// chosen one highlighted) or the key map for a person.
public final class PlaybackView {
  public let layout: PlaybackLayout
  public let title: String
  /// Key-map lines shown instead of bars (people); nil shows Q-value bars.
  public let keyMapLines: [String]?
  private let font: Font
  private let smallFont: Font
  /// The total number of episodes, for "episode 2 / 5" (nil: unknown).
  public var episodeTotal: Int?

  public static let background = RGBColor(red: 0, green: 0, blue: 0)
  public static let panelBackground = RGBColor(red: 24, green: 24, blue: 32)
  public static let textColor = RGBColor(red: 230, green: 230, blue: 230)
  public static let dimTextColor = RGBColor(red: 150, green: 150, blue: 165)
  public static let trackColor = RGBColor(red: 44, green: 44, blue: 56)
  public static let barColor = RGBColor(red: 80, green: 130, blue: 200)
  public static let highlightColor = RGBColor(red: 255, green: 190, blue: 40)
  public static let pausedColor = RGBColor(red: 255, green: 110, blue: 90)

  /// - Parameters:
  ///   - scale: screen pixels per frame pixel.
  ///   - keyMapLines: for a person; nil for an agent or a replay with Q-values.
  /// - Throws: `ViewerError.fontMissing` when no font can be found.
  public init(
    session: PlaybackSession, title: String, scale: Int, keyMapLines: [String]? = nil, episodeTotal: Int? = nil
  ) throws(ViewerError) {
    let frame = session.displayFrame
    let listRows = keyMapLines?.count ?? session.actionNames.count
    layout = PlaybackLayout(
      frameWidth: frame.width, frameHeight: frame.height, scale: scale, actionCount: session.actionNames.count,
      listRows: listRows, rowsBelow: session.scheme.helpLines.count + 1)
    self.title = title
    self.keyMapLines = keyMapLines
    self.episodeTotal = episodeTotal
    font = try Font(size: 15)
    smallFont = try Font(size: 12)
  }

  /// A score for people: whole numbers as they are ("3"), others to two decimals ("-0.07").
  public static func scoreText(_ score: Double) -> String {
    if score == score.rounded(), abs(score) < 1e15 { return String(Int(score)) }
    return String(format: "%.2f", score)
  }

  /// A scale that makes the game about `height` pixels tall.
  public static func defaultScale(frameHeight: Int, height: Int = 480) -> Int {
    max(1, height / max(frameHeight, 1))
  }

  /// Draws everything (call `present()` on the renderer afterwards).
  public func draw(_ session: PlaybackSession, on renderer: Renderer) throws(ViewerError) {
    renderer.clear(Self.background)
    try renderer.draw(session.displayFrame, in: layout.gameRect)
    renderer.fill(layout.panelRect, Self.panelBackground)
    let x = layout.panelRect.x + PlaybackLayout.padding
    func line(_ row: Int, _ text: String, _ color: RGBColor = Self.textColor, font: Font? = nil) {
      renderer.text(text, x: x, y: layout.rowTop(row), font: font ?? self.font, color)
    }
    let names = session.actionNames
    line(0, title)
    line(1, session.source.playerName, Self.dimTextColor)
    let total = episodeTotal.map { " / \($0)" } ?? ""
    line(2, "episode \(session.episodeIndex + 1)\(total)")
    line(3, "step \(session.stepIndex)")
    line(4, "score \(Self.scoreText(session.score))")
    line(5, "action \(session.lastAction.map { names[$0] } ?? "–")")
    if session.isPaused {
      line(6, "paused", Self.pausedColor)
    } else {
      line(6, String(format: "speed %.3g steps/s", session.stepsPerSecond), Self.dimTextColor)
    }
    var row = PlaybackLayout.textRows
    if let keyMapLines {
      line(7, "keys", Self.dimTextColor)
      for text in keyMapLines {
        line(row, text)
        row += 1
      }
    } else {
      let decision = session.shownDecision
      line(7, decision?.qValues == nil ? "actions" : "Q-values (next action highlighted)", Self.dimTextColor, font: smallFont)
      for (action, name) in names.enumerated() {
        let track = layout.barTrack(action: action)
        renderer.text(name, x: x, y: layout.rowTop(row), font: font, Self.textColor)
        renderer.fill(track, Self.trackColor)
        if let q = decision?.qValues {
          let color = action == decision?.action ? Self.highlightColor : Self.barColor
          renderer.fill(layout.barFill(action: action, qValues: q), color)
          renderer.text(
            String(format: "%.3f", q[action]), x: track.maxX + 6, y: layout.rowTop(row) + 2, font: smallFont,
            action == decision?.action ? Self.highlightColor : Self.dimTextColor)
        } else if action == decision?.action {
          renderer.fill(track, Self.highlightColor)
        }
        row += 1
      }
    }
    row += 1
    for help in session.scheme.helpLines {
      line(row, help, Self.dimTextColor, font: smallFont)
      row += 1
    }
  }
}
