import CSDL2

/// A window with its renderer. Close it (or let it go) before `VideoSystem.run` returns.
public final class Window {
  private var pointer: OpaquePointer?
  public let renderer: Renderer

  /// Opens a centred window.
  ///
  /// - Parameters:
  ///   - software: use SDL's software renderer (deterministic pixels for tests); otherwise SDL
  ///     picks (OpenGL under X11, unless `SDL_RENDER_DRIVER` says otherwise).
  /// - Throws: `ViewerError.sdl` when the window or renderer cannot be made.
  public init(title: String, width: Int, height: Int, software: Bool = false) throws(ViewerError) {
    let centered = Int32(bitPattern: SDL_WINDOWPOS_CENTERED_MASK)
    guard let window = SDL_CreateWindow(title, centered, centered, Int32(width), Int32(height), SDL_WINDOW_SHOWN.rawValue)
    else {
      throw .sdl(call: "SDL_CreateWindow", message: SDLSupport.lastError)
    }
    let flags = software ? SDL_RENDERER_SOFTWARE.rawValue : 0
    guard let made = SDL_CreateRenderer(window, -1, flags) ?? SDL_CreateRenderer(window, -1, SDL_RENDERER_SOFTWARE.rawValue)
    else {
      let message = SDLSupport.lastError
      SDL_DestroyWindow(window)
      throw .sdl(call: "SDL_CreateRenderer", message: message)
    }
    // The logical size keeps drawing in window pixels even if the window manager resizes it.
    SDL_RenderSetLogicalSize(made, Int32(width), Int32(height))
    pointer = window
    renderer = Renderer(pointer: made, width: width, height: height)
  }

  /// The renderer SDL chose ("software", "opengl", …).
  public var rendererName: String { renderer.name }

  /// Closes the renderer, then the window.
  public func close() {
    renderer.close()
    if let pointer { SDL_DestroyWindow(pointer) }
    pointer = nil
  }

  deinit { close() }
}
