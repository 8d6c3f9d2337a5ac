/// Where things go in a viewer window: the game on the left, scaled by a whole number, and the
/// panel on the right (text lines, then one Q-value bar per action, then the key help).
public struct PlaybackLayout: Sendable, Equatable {
  /// The scaled game frame.
  public let gameRect: Rect
  public let panelRect: Rect
  public let windowWidth: Int
  public let windowHeight: Int
  public let scale: Int
  public let actionCount: Int
  /// Text rows before the bars (title, player, episode, step, score, action, speed, header).
  public static let textRows = 8
  public static let panelWidth = 300
  public static let padding = 12
  public static let rowHeight = 22
  public static let labelWidth = 78
  public static let valueWidth = 62
  public static let barHeight = 14

  /// - Parameters:
  ///   - frameWidth, frameHeight: the unscaled game frame.
  ///   - scale: pixels per frame pixel (≥ 1).
  ///   - rowsBelow: rows after the bars or key map (help lines).
  ///   - listRows: rows of bars (watch) or key-map lines (play).
  public init(frameWidth: Int, frameHeight: Int, scale: Int, actionCount: Int, listRows: Int, rowsBelow: Int = 3) {
    self.scale = max(1, scale)
    self.actionCount = actionCount
    let gameWidth = frameWidth * self.scale
    let gameHeight = frameHeight * self.scale
    let panelHeight = Self.padding * 2 + Self.rowHeight * (Self.textRows + listRows + rowsBelow)
    windowWidth = gameWidth + Self.panelWidth
    windowHeight = max(gameHeight, panelHeight)
    gameRect = Rect(x: 0, y: (windowHeight - gameHeight) / 2, width: gameWidth, height: gameHeight)
    panelRect = Rect(x: gameWidth, y: 0, width: Self.panelWidth, height: windowHeight)
  }

  /// The top of text row `row` in the panel.
  public func rowTop(_ row: Int) -> Int { panelRect.y + Self.padding + row * Self.rowHeight }

  /// The track a Q-value bar is drawn in, for `action`.
  public func barTrack(action: Int) -> Rect {
    let top = rowTop(Self.textRows + action) + (Self.rowHeight - Self.barHeight) / 2
    let x = panelRect.x + Self.padding + Self.labelWidth
    let width = panelRect.width - 2 * Self.padding - Self.labelWidth - Self.valueWidth
    return Rect(x: x, y: top, width: width, height: Self.barHeight)
  }

  /// The filled part of `action`'s bar: from the zero line toward its Q-value, on a scale that
  /// spans `[min(0, min q), max(0, max q)]`; at least 3 pixels wide so every bar shows.
  public func barFill(action: Int, qValues: [Float]) -> Rect {
    let track = barTrack(action: action)
    guard action < qValues.count else { return Rect(x: track.x, y: track.y, width: 0, height: track.height) }
    let finite = qValues.map { $0.isFinite ? Double($0) : 0 }
    let low = min(0, finite.min() ?? 0)
    var high = max(0, finite.max() ?? 0)
    if high - low < 1e-9 { high = low + 1 }
    func position(_ value: Double) -> Int {
      track.x + Int(((value - low) / (high - low) * Double(track.width - 3)).rounded())
    }
    let zero = position(0)
    let end = position(finite[action])
    let left = min(zero, end)
    let width = max(abs(end - zero), 3)
    return Rect(x: left, y: track.y, width: width, height: track.height)
  }
}
