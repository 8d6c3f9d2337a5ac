import CSDL2
import Foundation

/// SDL's video subsystem, started for the length of a closure.
///
/// Windows, renderers and textures made inside `run` must be closed (or gone) before it returns,
/// because SDL_Quit runs right after (TOOLCHAIN gotcha 2).
public enum VideoSystem {
  /// Checks that a window can be shown: either `SDL_VIDEODRIVER` names a driver (`x11`,
  /// `offscreen`, `dummy`, …) or `DISPLAY`/`WAYLAND_DISPLAY` points at a display.
  ///
  /// Without this check SDL silently falls back to the invisible offscreen driver.
  public static func checkDisplay(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ViewerError) {
    if let driver = environment["SDL_VIDEODRIVER"], !driver.isEmpty { return }
    if let display = environment["DISPLAY"], !display.isEmpty { return }
    if let display = environment["WAYLAND_DISPLAY"], !display.isEmpty { return }
    throw .noDisplay(detail: "DISPLAY is not set and SDL_VIDEODRIVER names no driver")
  }

  /// Starts SDL video, runs `body`, and quits SDL.
  ///
  /// - Throws: `ViewerError.noDisplay` when there is no display, or what `body` throws.
  public static func run<Result>(_ body: () throws(ViewerError) -> Result) throws(ViewerError) -> Result {
    try checkDisplay()
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "0")
    // Keep the screensaver and the compositor out of the way of a viewer.
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0")
    if SDL_Init(SDL_INIT_VIDEO) != 0 {
      throw .noDisplay(detail: "SDL could not start video: \(SDLSupport.lastError)")
    }
    defer { SDL_Quit() }
    return try body()
  }

  /// The name of the video driver SDL is using ("x11", "offscreen", "dummy"), if started.
  public static var currentDriver: String? {
    guard let name = SDL_GetCurrentVideoDriver() else { return nil }
    return String(cString: name)
  }
}
