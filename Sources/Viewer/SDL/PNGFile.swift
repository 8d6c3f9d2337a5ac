import CSDL2
import CSDL2Extras
import Foundation
import GridGames

/// PNG files through SDL2_image (`IMG_SavePNG`, `IMG_Load`).
public enum PNGFile {
  /// Writes an RGB or grayscale frame as a PNG (to a temporary name, then renamed).
  ///
  /// - Throws: `ViewerError.unwritable` naming the file.
  public static func write(_ frame: Frame, to url: URL) throws(ViewerError) {
    try OutputFile.checkParentDirectory(of: url)
    var rgb = SDLSupport.rgbPixels(of: frame)
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
    let status: Int32 = rgb.withUnsafeMutableBytes { buffer in
      guard let surface = SDL_CreateRGBSurfaceWithFormatFrom(
        buffer.baseAddress, Int32(frame.width), Int32(frame.height), 24, Int32(frame.width * 3),
        SDL_PIXELFORMAT_RGB24.rawValue)
      else { return -1 }
      defer { SDL_FreeSurface(surface) }
      return IMG_SavePNG(surface, temporary.path)
    }
    if status != 0 {
      try? FileManager.default.removeItem(at: temporary)
      throw .unwritable(file: url.path, detail: SDLSupport.lastError)
    }
    if rename(temporary.path, url.path) != 0 {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(at: temporary)
      throw .unwritable(file: url.path, detail: reason)
    }
  }

  /// Reads an image file (PNG or anything SDL2_image reads) as an RGB frame.
  ///
  /// - Throws: `ViewerError.sdl` when the file is missing or not an image.
  public static func read(_ url: URL) throws(ViewerError) -> Frame {
    guard let loaded = IMG_Load(url.path) else { throw .sdl(call: "IMG_Load(\(url.path))", message: SDLSupport.lastError) }
    defer { SDL_FreeSurface(loaded) }
    guard let converted = SDL_ConvertSurfaceFormat(loaded, SDL_PIXELFORMAT_RGB24.rawValue, 0) else {
      throw .sdl(call: "SDL_ConvertSurfaceFormat", message: SDLSupport.lastError)
    }
    defer { SDL_FreeSurface(converted) }
    return SDLSupport.frame(fromRGB24: converted)
  }
}
