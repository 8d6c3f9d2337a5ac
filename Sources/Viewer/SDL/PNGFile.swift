import CSDL2
import CSDL2Extras
import FileIO
import Foundation
import GridGames

/// PNG files through SDL2_image (`IMG_SavePNG`, `IMG_Load`).
public enum PNGFile {
  /// Writes an RGB or grayscale frame as a PNG, atomically (`AtomicFile`).
  ///
  /// - Throws: `ViewerError.unwritable` naming the file.
  public static func write(_ frame: Frame, to url: URL) throws(ViewerError) {
    var rgb = SDLSupport.rgbPixels(of: frame)
    do {
      try AtomicFile.write(to: url, throughPath: { path in
        let status: Int32 = rgb.withUnsafeMutableBytes { buffer in
          guard let surface = SDL_CreateRGBSurfaceWithFormatFrom(
            buffer.baseAddress, Int32(frame.width), Int32(frame.height), 24, Int32(frame.width * 3),
            SDL_PIXELFORMAT_RGB24.rawValue)
          else { return -1 }
          defer { SDL_FreeSurface(surface) }
          return IMG_SavePNG(surface, path)
        }
        if status != 0 { throw FileWriteError(file: url.path, detail: SDLSupport.lastError) }
      })
    } catch {
      throw ViewerError(error)
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
