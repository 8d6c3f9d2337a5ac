import CGIF
import Foundation
import GridGames

/// A decoded GIF (giflib's `DGifSlurp`): the frames as RGB, their delays, and whether it loops.
public struct GIFFile: Sendable {
  public var width: Int
  public var height: Int
  public var frames: [Frame]
  /// Hundredths of a second per frame (0 where a frame has no graphics control extension).
  public var delays: [Int]
  /// Whether the NETSCAPE2.0 loop extension is present.
  public var loops: Bool

  /// Decodes `url`.
  ///
  /// - Throws: `ViewerError.invalidOption` naming the file when giflib cannot read it.
  public static func read(_ url: URL) throws(ViewerError) -> GIFFile {
    var error: Int32 = 0
    guard let gif = DGifOpenFileName(url.path, &error) else {
      throw .invalidOption(option: url.path, detail: "cannot open the GIF: \(GIFWriter.message(error))")
    }
    defer { DGifCloseFile(gif, &error) }
    guard DGifSlurp(gif) == GIF_OK else {
      throw .invalidOption(option: url.path, detail: "cannot decode the GIF: \(GIFWriter.message(gif.pointee.Error))")
    }
    let width = Int(gif.pointee.SWidth)
    let height = Int(gif.pointee.SHeight)
    var frames: [Frame] = []
    var delays: [Int] = []
    var loops = false
    for index in 0..<Int(gif.pointee.ImageCount) {
      let image = gif.pointee.SavedImages[index]
      for block in 0..<Int(image.ExtensionBlockCount) {
        let extensionBlock = image.ExtensionBlocks[block]
        if extensionBlock.Function == APPLICATION_EXT_FUNC_CODE, extensionBlock.ByteCount == 11,
          let bytes = extensionBlock.Bytes,
          String(decoding: UnsafeBufferPointer(start: bytes, count: 11), as: UTF8.self) == "NETSCAPE2.0"
        {
          loops = true
        }
      }
      var gcb = GraphicsControlBlock()
      delays.append(DGifSavedExtensionToGCB(gif, Int32(index), &gcb) == GIF_OK ? Int(gcb.DelayTime) : 0)
      let description = image.ImageDesc
      guard let map = description.ColorMap ?? gif.pointee.SColorMap, let raster = image.RasterBits else { continue }
      var pixels = [UInt8](repeating: 0, count: width * height * 3)
      let left = Int(description.Left)
      let top = Int(description.Top)
      let imageWidth = Int(description.Width)
      for y in 0..<Int(description.Height) where top + y < height {
        for x in 0..<imageWidth where left + x < width {
          let colorIndex = Int(raster[y * imageWidth + x])
          guard colorIndex < Int(map.pointee.ColorCount) else { continue }
          let color = map.pointee.Colors[colorIndex]
          let target = ((top + y) * width + left + x) * 3
          pixels[target] = color.Red
          pixels[target + 1] = color.Green
          pixels[target + 2] = color.Blue
        }
      }
      frames.append(Frame(height: height, width: width, channels: 3, pixels: pixels))
    }
    return GIFFile(width: width, height: height, frames: frames, delays: delays, loops: loops)
  }
}
