import CSDL2
import CSDL2Extras
import Foundation

/// A TrueType font at one size (SDL2_ttf).
public final class Font {
  private var pointer: OpaquePointer?
  /// The file the font came from.
  public let path: String
  public let size: Int
  /// Pixels from one baseline to the next.
  public let lineSkip: Int

  /// The fonts tried in order after `$DQN_FONT`.
  public static let candidates = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
  ]

  /// The first readable font: `$DQN_FONT` if set, else the Debian fonts in `candidates`.
  ///
  /// - Throws: `ViewerError.fontMissing` listing every path tried.
  public static func defaultPath() throws(ViewerError) -> String {
    var searched: [String] = []
    if let custom = ProcessInfo.processInfo.environment["DQN_FONT"], !custom.isEmpty {
      if FileManager.default.isReadableFile(atPath: custom) { return custom }
      searched.append("$DQN_FONT=\(custom)")
    }
    for path in candidates {
      if FileManager.default.isReadableFile(atPath: path) { return path }
      searched.append(path)
    }
    throw .fontMissing(searched: searched)
  }

  /// Opens the default font (see `defaultPath()`) at `size` points.
  public convenience init(size: Int) throws(ViewerError) {
    try self.init(path: try Font.defaultPath(), size: size)
  }

  /// Opens `path` at `size` points.
  public init(path: String, size: Int) throws(ViewerError) {
    if TTF_WasInit() == 0 && TTF_Init() != 0 {
      throw .sdl(call: "TTF_Init", message: SDLSupport.lastError)
    }
    guard FileManager.default.isReadableFile(atPath: path) else { throw .fontMissing(searched: [path]) }
    guard let font = TTF_OpenFont(path, Int32(size)) else {
      throw .sdl(call: "TTF_OpenFont(\(path))", message: SDLSupport.lastError)
    }
    pointer = font
    self.path = path
    self.size = size
    lineSkip = Int(TTF_FontLineSkip(font))
  }

  /// The size `text` takes when drawn.
  public func size(of text: String) -> (width: Int, height: Int) {
    guard let pointer, !text.isEmpty else { return (0, lineSkip) }
    var width: Int32 = 0
    var height: Int32 = 0
    TTF_SizeUTF8(pointer, text, &width, &height)
    return (Int(width), Int(height))
  }

  /// `text` drawn in `color` on a new ARGB surface, or nil for empty text.
  func render(_ text: String, color: SDL_Color, antialiased: Bool) -> UnsafeMutablePointer<SDL_Surface>? {
    guard let pointer, !text.isEmpty else { return nil }
    return antialiased ? TTF_RenderUTF8_Blended(pointer, text, color) : TTF_RenderUTF8_Solid(pointer, text, color)
  }

  public func close() {
    if let pointer { TTF_CloseFont(pointer) }
    pointer = nil
  }

  deinit { close() }
}
