/// Draws a game's cells on a `Canvas` and reads the pixels out as an observation frame
/// (grayscale or RGB, optionally area-resized).
final class FrameRenderer {
  let rows: Int
  let columns: Int
  let cellPixels: Int
  let palette: Palette
  let colorMode: ObservationSettings.ColorMode
  let resize: ObservationSettings.Size?
  let outputShape: FrameShape
  private let canvas: Canvas
  private let resizer: AreaResizer?
  private var cells: [UInt8]
  private var scratch: [UInt8]
  /// The buffers of the last two frames handed out. A render writes into the older one, which
  /// nobody holds any more in a training loop (it keeps the newest frame only), so stepping
  /// allocates nothing; if a caller does still hold it, the write copies it first (frames are
  /// values) and that caller's frame stays as it was.
  private var recycled: [[UInt8]] = [[], []]
  private var nextRecycled = 0

  /// - Throws: `RenderingError` if SDL cannot create the surface.
  init(rows: Int, columns: Int, cellPixels: Int, palette: Palette, colorMode: ObservationSettings.ColorMode,
       resize: ObservationSettings.Size?) throws(RenderingError) {
    self.rows = rows
    self.columns = columns
    self.cellPixels = cellPixels
    self.palette = palette
    self.colorMode = colorMode
    self.resize = resize
    canvas = try Canvas(rows: rows, columns: columns, cellPixels: cellPixels, palette: palette)
    let channels = colorMode == .rgb ? 3 : 1
    cells = [UInt8](repeating: 0, count: rows * columns)
    if let resize {
      outputShape = FrameShape(height: resize.height, width: resize.width, channels: channels)
      resizer = AreaResizer(inputHeight: canvas.height, inputWidth: canvas.width, outputHeight: resize.height,
                            outputWidth: resize.width, channels: channels)
      scratch = [UInt8](repeating: 0, count: canvas.height * canvas.width * channels)
    } else {
      outputShape = FrameShape(height: canvas.height, width: canvas.width, channels: channels)
      resizer = nil
      scratch = []
    }
  }

  /// A renderer with the same settings and its own surface.
  func copy() throws(RenderingError) -> FrameRenderer {
    try FrameRenderer(rows: rows, columns: columns, cellPixels: cellPixels, palette: palette, colorMode: colorMode,
                      resize: resize)
  }

  /// Forces the next render to redraw every cell.
  func invalidate() { canvas.invalidate() }

  /// Renders `game`'s current state into a new frame.
  func render(_ game: any GridGame) -> Frame {
    cells.withUnsafeMutableBufferPointer { cells in
      cells.update(repeating: 0)
      game.paint(cells)
      canvas.draw(UnsafeBufferPointer(cells))
    }
    let count = outputShape.byteCount
    let isGray = colorMode == .grayscale
    var pixels = recycled[nextRecycled]
    recycled[nextRecycled] = []  // so `pixels` holds the buffer alone unless a caller kept it
    if pixels.count != count { pixels = [UInt8](repeating: 0, count: count) }
    pixels.withUnsafeMutableBufferPointer { buffer in
      guard let output = buffer.baseAddress else { return }
      if let resizer {
        scratch.withUnsafeMutableBufferPointer { scratch in
          guard let base = scratch.baseAddress else { return }
          if isGray { canvas.copyGrayscale(into: base) } else { canvas.copyRGB(into: base) }
          resizer.resize(base, into: output)
        }
      } else if isGray {
        canvas.copyGrayscale(into: output)
      } else {
        canvas.copyRGB(into: output)
      }
    }
    recycled[nextRecycled] = pixels
    nextRecycled ^= 1
    return Frame(height: outputShape.height, width: outputShape.width, channels: outputShape.channels, pixels: pixels)
  }
}
