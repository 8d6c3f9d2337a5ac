import CSDL2

/// An SDL2 offscreen RGB24 surface (no window, no display). Frees itself on deinit.
///
/// Rows are `pitch` bytes apart, and SDL rounds an RGB24 pitch up to a multiple of 4, so
/// copies out of the surface go row by row unless `pitch == width * 3`.
final class Surface {
  let width: Int
  let height: Int
  private let surface: UnsafeMutablePointer<SDL_Surface>

  /// Creates a `width × height` surface.
  ///
  /// - Throws: `RenderingError.surfaceCreation` with SDL's message when SDL cannot allocate it.
  init(width: Int, height: Int) throws(RenderingError) {
    guard let surface = SDL_CreateRGBSurfaceWithFormat(
      0, Int32(width), Int32(height), 24, SDL_PIXELFORMAT_RGB24.rawValue)
    else {
      throw .surfaceCreation(width: width, height: height, message: String(cString: SDL_GetError()))
    }
    self.surface = surface
    self.width = width
    self.height = height
  }

  deinit { SDL_FreeSurface(surface) }

  /// Bytes from one row to the next (≥ `width * 3`).
  var pitch: Int { Int(surface.pointee.pitch) }

  /// The pixel value SDL stores for an RGB colour on this surface.
  func mapColor(_ color: RGBColor) -> UInt32 {
    SDL_MapRGB(surface.pointee.format, color.red, color.green, color.blue)
  }

  /// Fills a rectangle (clipped to the surface) with a mapped pixel value.
  func fill(x: Int, y: Int, width: Int, height: Int, value: UInt32) {
    var rect = SDL_Rect(x: Int32(x), y: Int32(y), w: Int32(width), h: Int32(height))
    SDL_FillRect(surface, &rect, value)
  }

  /// Fills the whole surface with a mapped pixel value.
  func fillAll(value: UInt32) {
    SDL_FillRect(surface, nil, value)
  }

  /// Calls `body` with the surface's bytes (`height` rows of `pitch` bytes).
  func withPixels<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
    let count = pitch * height
    guard let pixels = surface.pointee.pixels else {
      return body(UnsafeRawBufferPointer(start: nil, count: 0))
    }
    return body(UnsafeRawBufferPointer(start: pixels, count: count))
  }
}

/// What can go wrong when rendering through SDL.
public enum RenderingError: Error, Equatable, Sendable, CustomStringConvertible {
  case surfaceCreation(width: Int, height: Int, message: String)

  public var description: String {
    switch self {
    case .surfaceCreation(let width, let height, let message):
      "SDL could not create a \(width)×\(height) offscreen surface: \(message)"
    }
  }
}
