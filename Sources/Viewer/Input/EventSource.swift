import CSDL2

/// Where a viewer loop gets its input each frame: SDL's event queue, or a script for tests.
public protocol EventSource {
  /// The events that arrived before frame `frame` (0, 1, 2, … in loop order).
  mutating func events(atFrame frame: Int) -> [InputEvent]
}

/// Real input: drains SDL's event queue.
public struct SDLEventSource: EventSource {
  public init() {}

  public mutating func events(atFrame frame: Int) -> [InputEvent] {
    var result: [InputEvent] = []
    var event = SDL_Event()
    while SDL_PollEvent(&event) != 0 {
      switch event.type {
      case SDL_QUIT.rawValue:
        result.append(.quit)
      case SDL_WINDOWEVENT.rawValue where event.window.event == UInt8(SDL_WINDOWEVENT_CLOSE.rawValue):
        result.append(.quit)
      case SDL_KEYDOWN.rawValue:
        if let key = Self.key(event.key.keysym.sym) {
          // Auto-repeat counts as more presses (holding → steps repeatedly); that is what people expect.
          result.append(.keyDown(key))
        }
      case SDL_KEYUP.rawValue:
        if let key = Self.key(event.key.keysym.sym) { result.append(.keyUp(key)) }
      default:
        break
      }
    }
    return result
  }

  /// The viewer key for an SDL key code, nil for keys the viewers ignore.
  static func key(_ keycode: SDL_Keycode) -> Key? {
    switch keycode {
    case code(SDLK_LEFT): .left
    case code(SDLK_RIGHT): .right
    case code(SDLK_UP): .up
    case code(SDLK_DOWN): .down
    case code(SDLK_SPACE): .space
    case code(SDLK_PERIOD): .period
    case code(SDLK_PLUS), code(SDLK_KP_PLUS), code(SDLK_EQUALS): .plus
    case code(SDLK_MINUS), code(SDLK_KP_MINUS): .minus
    case code(SDLK_p): .p
    case code(SDLK_r): .r
    case code(SDLK_q): .q
    case code(SDLK_ESCAPE): .escape
    default: nil
    }
  }

  private static func code(_ key: SDL_KeyCode) -> SDL_Keycode { SDL_Keycode(bitPattern: key.rawValue) }
}

/// Scripted input for tests and demos: events at given frames.
public struct ScriptedEventSource: EventSource {
  public var script: [Int: [InputEvent]]

  public init(_ script: [Int: [InputEvent]] = [:]) { self.script = script }

  /// Parses `FRAME:KEY` (press and release in that frame), `FRAME:+KEY` (hold),
  /// `FRAME:-KEY` (release) and `FRAME:quit`, separated by spaces or commas,
  /// e.g. `"2:space 5:right 9:q"`.
  ///
  /// - Throws: `ViewerError.invalidOption` naming the bad entry and the keys allowed.
  public init(parsing text: String, option: String = "--keys") throws(ViewerError) {
    var script: [Int: [InputEvent]] = [:]
    for entry in text.split(whereSeparator: { $0 == " " || $0 == "," }) {
      let parts = entry.split(separator: ":", maxSplits: 1)
      guard parts.count == 2, let frame = Int(parts[0]), frame >= 0 else {
        throw .invalidOption(option: option, detail: "'\(entry)' is not FRAME:KEY (e.g. 3:space)")
      }
      var name = String(parts[1])
      if name == "quit" {
        script[frame, default: []].append(.quit)
        continue
      }
      var mode = 0
      if name.hasPrefix("+") { mode = 1; name.removeFirst() } else if name.hasPrefix("-") && name.count > 1 { mode = -1; name.removeFirst() }
      guard let key = Key(rawValue: name) else {
        throw .invalidOption(
          option: option, detail: "unknown key '\(name)' in '\(entry)' (keys: \(Key.allCases.map(\.rawValue).joined(separator: ", ")), quit)")
      }
      switch mode {
      case 1: script[frame, default: []].append(.keyDown(key))
      case -1: script[frame, default: []].append(.keyUp(key))
      default: script[frame, default: []].append(contentsOf: [.keyDown(key), .keyUp(key)])
      }
    }
    self.script = script
  }

  public mutating func events(atFrame frame: Int) -> [InputEvent] { script[frame] ?? [] }
}
