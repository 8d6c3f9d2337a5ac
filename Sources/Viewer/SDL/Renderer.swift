import CSDL2
import GridGames

/// Draws into a window or an offscreen surface through an SDL renderer: rectangles, lines,
/// text, and frames scaled with nearest-neighbour sampling (crisp pixels).
///
/// Owned by a `Window` or an `OffscreenCanvas`, which close it before they go.
public final class Renderer {
  private var pointer: OpaquePointer?
  /// The output size in pixels.
  public let width: Int
  public let height: Int
  private var frameTextures: [Int: Texture] = [:]
  private var textTextures: [TextKey: Texture] = [:]

  private struct TextKey: Hashable {
    var text: String
    var color: RGBColor
    var font: ObjectIdentifier
    var antialiased: Bool
  }

  init(pointer: OpaquePointer, width: Int, height: Int) {
    self.pointer = pointer
    self.width = width
    self.height = height
    SDL_SetRenderDrawBlendMode(pointer, SDL_BLENDMODE_BLEND)
  }

  /// Fills the whole output with `color`.
  public func clear(_ color: RGBColor) {
    guard let pointer else { return }
    SDL_SetRenderDrawColor(pointer, color.red, color.green, color.blue, 255)
    SDL_RenderClear(pointer)
  }

  /// Fills `rect`; `alpha` below 255 blends with what is there.
  public func fill(_ rect: Rect, _ color: RGBColor, alpha: UInt8 = 255) {
    guard let pointer, rect.width > 0, rect.height > 0 else { return }
    var sdlRect = SDLSupport.rect(rect)
    SDL_SetRenderDrawColor(pointer, color.red, color.green, color.blue, alpha)
    SDL_RenderFillRect(pointer, &sdlRect)
  }

  /// Draws the one-pixel border of `rect`.
  public func outline(_ rect: Rect, _ color: RGBColor) {
    guard let pointer else { return }
    var sdlRect = SDLSupport.rect(rect)
    SDL_SetRenderDrawColor(pointer, color.red, color.green, color.blue, 255)
    SDL_RenderDrawRect(pointer, &sdlRect)
  }

  /// Draws a one-pixel line.
  public func line(from start: Point, to end: Point, _ color: RGBColor, alpha: UInt8 = 255) {
    guard let pointer else { return }
    SDL_SetRenderDrawColor(pointer, color.red, color.green, color.blue, alpha)
    SDL_RenderDrawLineF(pointer, Float(start.x), Float(start.y), Float(end.x), Float(end.y))
  }

  /// Draws connected line segments; `thickness` > 1 draws offset copies for a bold line.
  public func polyline(_ points: [Point], _ color: RGBColor, alpha: UInt8 = 255, thickness: Int = 1) {
    guard let pointer, points.count >= 2 else { return }
    SDL_SetRenderDrawColor(pointer, color.red, color.green, color.blue, alpha)
    var offsets: [(Float, Float)] = []
    let center = Float(max(thickness, 1) - 1) / 2
    for dx in 0..<max(thickness, 1) {
      for dy in 0..<max(thickness, 1) { offsets.append((Float(dx) - center, Float(dy) - center)) }
    }
    for (dx, dy) in offsets {
      let shifted = points.map { SDL_FPoint(x: Float($0.x) + dx, y: Float($0.y) + dy) }
      shifted.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        _ = SDL_RenderDrawLinesF(pointer, base, Int32(buffer.count))
      }
    }
  }

  /// Restricts drawing to `rect` (nil: the whole output).
  public func clip(to rect: Rect?) {
    guard let pointer else { return }
    if let rect {
      var sdlRect = SDLSupport.rect(rect)
      SDL_RenderSetClipRect(pointer, &sdlRect)
    } else {
      SDL_RenderSetClipRect(pointer, nil)
    }
  }

  /// Draws `frame` (RGB or grayscale) scaled into `rect`, nearest-neighbour, through a
  /// streaming texture kept per frame size.
  public func draw(_ frame: Frame, in rect: Rect) throws(ViewerError) {
    guard let pointer else { return }
    let key = frame.width << 20 | frame.height
    let texture: Texture
    if let existing = frameTextures[key] {
      texture = existing
    } else {
      // Nearest sampling: the hint applies to textures created after it.
      SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "0")
      guard let created = SDL_CreateTexture(
        pointer, SDL_PIXELFORMAT_RGB24.rawValue, Int32(SDL_TEXTUREACCESS_STREAMING.rawValue),
        Int32(frame.width), Int32(frame.height))
      else {
        throw .sdl(call: "SDL_CreateTexture", message: SDLSupport.lastError)
      }
      texture = Texture(pointer: created, width: frame.width, height: frame.height)
      frameTextures[key] = texture
    }
    guard let texturePointer = texture.pointer else { return }
    let rgb = SDLSupport.rgbPixels(of: frame)
    let status = rgb.withUnsafeBytes { SDL_UpdateTexture(texturePointer, nil, $0.baseAddress, Int32(frame.width * 3)) }
    if status != 0 { throw .sdl(call: "SDL_UpdateTexture", message: SDLSupport.lastError) }
    var target = SDLSupport.rect(rect)
    SDL_RenderCopy(pointer, texturePointer, nil, &target)
  }

  /// Draws `text` with its top-left corner at (`x`, `y`) and returns its width.
  ///
  /// - Parameter vertical: turn it a quarter counter-clockwise (reads bottom to top); (`x`, `y`)
  ///   is then the top-left of the turned text.
  @discardableResult
  public func text(
    _ text: String, x: Int, y: Int, font: Font, _ color: RGBColor, antialiased: Bool = true, vertical: Bool = false
  ) -> Int {
    guard let pointer, !text.isEmpty else { return 0 }
    let key = TextKey(text: text, color: color, font: ObjectIdentifier(font), antialiased: antialiased)
    var texture = textTextures[key]
    if texture == nil {
      guard let surface = font.render(text, color: SDL_Color(r: color.red, g: color.green, b: color.blue, a: 255),
                                       antialiased: antialiased)
      else { return 0 }
      defer { SDL_FreeSurface(surface) }
      guard let created = SDL_CreateTextureFromSurface(pointer, surface) else { return 0 }
      if textTextures.count > 512 {
        for cached in textTextures.values { cached.close() }
        textTextures.removeAll()
      }
      let made = Texture(pointer: created, width: Int(surface.pointee.w), height: Int(surface.pointee.h))
      textTextures[key] = made
      texture = made
    }
    guard let texture, let texturePointer = texture.pointer else { return 0 }
    if vertical {
      // Rotation turns about the centre, so place the unturned box where its centre lands right.
      let centerX = x + texture.height / 2
      let centerY = y + texture.width / 2
      var target = SDL_Rect(
        x: Int32(centerX - texture.width / 2), y: Int32(centerY - texture.height / 2), w: Int32(texture.width),
        h: Int32(texture.height))
      SDL_RenderCopyEx(pointer, texturePointer, nil, &target, -90, nil, SDL_FLIP_NONE)
    } else {
      var target = SDL_Rect(x: Int32(x), y: Int32(y), w: Int32(texture.width), h: Int32(texture.height))
      SDL_RenderCopy(pointer, texturePointer, nil, &target)
    }
    return texture.width
  }

  /// The drawn pixels as an RGB frame (`height × width × 3`). Call before `present()`.
  public func readPixels() throws(ViewerError) -> Frame {
    guard let pointer else { throw .sdl(call: "SDL_RenderReadPixels", message: "the renderer is closed") }
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    let status = pixels.withUnsafeMutableBytes { buffer in
      SDL_RenderReadPixels(pointer, nil, SDL_PIXELFORMAT_RGB24.rawValue, buffer.baseAddress, Int32(width * 3))
    }
    if status != 0 { throw .sdl(call: "SDL_RenderReadPixels", message: SDLSupport.lastError) }
    return Frame(height: height, width: width, channels: 3, pixels: pixels)
  }

  /// Shows what was drawn (windows only; offscreen canvases need no present).
  public func present() {
    if let pointer { SDL_RenderPresent(pointer) }
  }

  /// The name of SDL's renderer ("software", "opengl", …).
  public var name: String {
    guard let pointer else { return "closed" }
    var info = SDL_RendererInfo()
    guard SDL_GetRendererInfo(pointer, &info) == 0, let name = info.name else { return "unknown" }
    return String(cString: name)
  }

  /// Destroys the textures, then the renderer.
  public func close() {
    for texture in frameTextures.values { texture.close() }
    for texture in textTextures.values { texture.close() }
    frameTextures.removeAll()
    textTextures.removeAll()
    if let pointer { SDL_DestroyRenderer(pointer) }
    pointer = nil
  }

  deinit { close() }
}

/// An SDL texture; destroyed by `close()` (or `deinit`), always before its renderer.
private final class Texture {
  private(set) var pointer: OpaquePointer?
  let width: Int
  let height: Int

  init(pointer: OpaquePointer, width: Int, height: Int) {
    self.pointer = pointer
    self.width = width
    self.height = height
  }

  func close() {
    if let pointer { SDL_DestroyTexture(pointer) }
    pointer = nil
  }

  deinit { close() }
}
