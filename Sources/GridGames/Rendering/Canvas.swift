/// A grid of square cells drawn into an SDL offscreen surface with `SDL_FillRect`.
///
/// `draw(_:)` takes one palette index per cell and fills only the cells whose index changed
/// since the last draw, so a step that moves a few objects costs a few fills.
final class Canvas {
  let rows: Int
  let columns: Int
  let cellPixels: Int
  let palette: Palette
  private let surface: Surface
  private let mappedColors: [UInt32]
  /// The palette index last drawn in each cell; 255 forces a redraw.
  private var drawn: [UInt8]

  /// - Throws: `RenderingError` if SDL cannot create the surface.
  init(rows: Int, columns: Int, cellPixels: Int, palette: Palette) throws(RenderingError) {
    self.rows = rows
    self.columns = columns
    self.cellPixels = cellPixels
    self.palette = palette
    surface = try Surface(width: columns * cellPixels, height: rows * cellPixels)
    mappedColors = ([palette.background] + palette.channels).map(surface.mapColor)
    drawn = [UInt8](repeating: 255, count: rows * columns)
  }

  /// Pixel width of the surface.
  var width: Int { surface.width }
  /// Pixel height of the surface.
  var height: Int { surface.height }

  /// Forgets what was drawn, so that the next `draw(_:)` fills every cell.
  func invalidate() {
    for index in drawn.indices { drawn[index] = 255 }
  }

  /// Draws `cells` (`rows * columns` palette indices, row-major).
  func draw(_ cells: UnsafeBufferPointer<UInt8>) {
    precondition(cells.count == rows * columns, "Canvas.draw needs \(rows * columns) cells, got \(cells.count)")
    let size = cellPixels
    mappedColors.withUnsafeBufferPointer { colors in
      drawn.withUnsafeMutableBufferPointer { drawn in
        for index in 0..<cells.count where drawn[index] != cells[index] {
          let value = cells[index]
          drawn[index] = value
          let y = index / columns
          let x = index - y * columns
          surface.fill(x: x * size, y: y * size, width: size, height: size, value: colors[Int(value)])
        }
      }
    }
  }

  /// Copies the surface out as RGB bytes, `height × width × 3`, row by row (pitch-safe).
  func copyRGB(into output: UnsafeMutablePointer<UInt8>) {
    let rowBytes = width * 3
    surface.withPixels { pixels in
      guard let base = pixels.baseAddress else { return }
      let pitch = surface.pitch
      if pitch == rowBytes {
        output.update(from: base.assumingMemoryBound(to: UInt8.self), count: rowBytes * height)
      } else {
        for y in 0..<height {
          (output + y * rowBytes).update(
            from: (base + y * pitch).assumingMemoryBound(to: UInt8.self), count: rowBytes)
        }
      }
    }
  }

  /// Copies the surface out as grayscale bytes, `height × width` (BT.601 luma).
  func copyGrayscale(into output: UnsafeMutablePointer<UInt8>) {
    let width = self.width
    surface.withPixels { pixels in
      guard let base = pixels.baseAddress else { return }
      let pitch = surface.pitch
      for y in 0..<height {
        let row = (base + y * pitch).assumingMemoryBound(to: UInt8.self)
        let out = output + y * width
        for x in 0..<width {
          out[x] = grayLevel(row[3 * x], row[3 * x + 1], row[3 * x + 2])
        }
      }
    }
  }
}
