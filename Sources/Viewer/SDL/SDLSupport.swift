import CSDL2
import Foundation
import GridGames

/// Small helpers shared by the SDL wrappers.
enum SDLSupport {
  /// SDL's last error message.
  static var lastError: String {
    guard let text = SDL_GetError() else { return "unknown error" }
    let message = String(cString: text)
    return message.isEmpty ? "unknown error" : message
  }

  /// An `SDL_Rect` from a `Rect`.
  static func rect(_ rect: Rect) -> SDL_Rect {
    SDL_Rect(x: Int32(rect.x), y: Int32(rect.y), w: Int32(rect.width), h: Int32(rect.height))
  }

  /// `frame` as RGB bytes (grayscale is widened; RGB is returned as it is).
  static func rgbPixels(of frame: Frame) -> [UInt8] {
    if frame.channels == 3 { return frame.pixels }
    var rgb = [UInt8](repeating: 0, count: frame.width * frame.height * 3)
    for index in 0..<(frame.width * frame.height) {
      let value = frame.pixels[index * frame.channels]
      rgb[index * 3] = value
      rgb[index * 3 + 1] = value
      rgb[index * 3 + 2] = value
    }
    return rgb
  }

  /// Copies an RGB24 surface's rows (its pitch may be padded) into a tight frame.
  static func frame(fromRGB24 surface: UnsafeMutablePointer<SDL_Surface>) -> Frame {
    let width = Int(surface.pointee.w)
    let height = Int(surface.pointee.h)
    let pitch = Int(surface.pointee.pitch)
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    if let source = surface.pointee.pixels {
      SDL_LockSurface(surface)
      pixels.withUnsafeMutableBytes { target in
        guard let base = target.baseAddress else { return }
        for row in 0..<height {
          (base + row * width * 3).copyMemory(from: source + row * pitch, byteCount: width * 3)
        }
      }
      SDL_UnlockSurface(surface)
    }
    return Frame(height: height, width: width, channels: 3, pixels: pixels)
  }
}
