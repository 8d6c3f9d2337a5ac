import CSDL2

/// A software renderer drawing into an in-memory surface: no window, no display, no SDL_Init.
/// Plots and GIF/PNG frames are drawn here.
public final class OffscreenCanvas {
  private var surface: UnsafeMutablePointer<SDL_Surface>?
  /// Draw with this; it is closed with the canvas.
  public let renderer: Renderer

  /// - Throws: `ViewerError.sdl` if SDL cannot make the surface or the renderer.
  public init(width: Int, height: Int) throws(ViewerError) {
    guard width > 0, height > 0, width <= 16384, height <= 16384 else {
      throw .invalidOption(option: "image size", detail: "\(width)×\(height) is outside 1…16384")
    }
    guard let made = SDL_CreateRGBSurfaceWithFormat(0, Int32(width), Int32(height), 32, SDL_PIXELFORMAT_RGB888.rawValue)
    else {
      throw .sdl(call: "SDL_CreateRGBSurfaceWithFormat", message: SDLSupport.lastError)
    }
    guard let softwareRenderer = SDL_CreateSoftwareRenderer(made) else {
      SDL_FreeSurface(made)
      throw .sdl(call: "SDL_CreateSoftwareRenderer", message: SDLSupport.lastError)
    }
    surface = made
    renderer = Renderer(pointer: softwareRenderer, width: width, height: height)
  }

  public var width: Int { renderer.width }
  public var height: Int { renderer.height }

  /// Closes the renderer, then frees the surface.
  public func close() {
    renderer.close()
    if let surface { SDL_FreeSurface(surface) }
    surface = nil
  }

  deinit { close() }
}
