import GridGames

/// Maps RGB pixels to indices of a palette of at most 256 colours: exact where the colour is in
/// the palette, else the nearest palette colour (squared RGB distance), cached per colour.
///
/// The games draw with a handful of palette colours, so frames are almost always exact; only
/// anti-aliased text needs the nearest-colour fallback.
public struct ColorQuantizer {
  public let palette: [RGBColor]
  private var lookup: [UInt32: UInt8] = [:]

  /// - Precondition: `palette` has 1…256 colours.
  public init(palette: [RGBColor]) {
    precondition((1...256).contains(palette.count), "a GIF palette has 1…256 colours, got \(palette.count)")
    self.palette = palette
    for (index, color) in palette.enumerated() where lookup[Self.key(color)] == nil {
      lookup[Self.key(color)] = UInt8(index)
    }
  }

  static func key(_ color: RGBColor) -> UInt32 { UInt32(color.red) << 16 | UInt32(color.green) << 8 | UInt32(color.blue) }
  static func key(_ red: UInt8, _ green: UInt8, _ blue: UInt8) -> UInt32 { UInt32(red) << 16 | UInt32(green) << 8 | UInt32(blue) }

  /// Whether every pixel of the RGB `frame` is exactly a palette colour.
  public func coversExactly(_ frame: Frame) -> Bool {
    var index = 0
    let pixels = frame.pixels
    while index < pixels.count {
      if lookup[Self.key(pixels[index], pixels[index + 1], pixels[index + 2])] == nil { return false }
      index += 3
    }
    return true
  }

  /// The palette index for a colour.
  public mutating func index(red: UInt8, green: UInt8, blue: UInt8) -> UInt8 {
    let key = Self.key(red, green, blue)
    if let index = lookup[key] { return index }
    var best = 0
    var bestDistance = Int.max
    for (candidate, color) in palette.enumerated() {
      let dr = Int(color.red) - Int(red)
      let dg = Int(color.green) - Int(green)
      let db = Int(color.blue) - Int(blue)
      let distance = dr * dr + dg * dg + db * db
      if distance < bestDistance {
        best = candidate
        bestDistance = distance
      }
    }
    lookup[key] = UInt8(best)
    return UInt8(best)
  }

  /// Palette indices for every pixel of an RGB frame, row-major.
  public mutating func indices(of frame: Frame) -> [UInt8] {
    var result = [UInt8](repeating: 0, count: frame.width * frame.height)
    let pixels = frame.pixels
    for pixel in 0..<result.count {
      result[pixel] = index(red: pixels[pixel * 3], green: pixels[pixel * 3 + 1], blue: pixels[pixel * 3 + 2])
    }
    return result
  }

  /// A palette for `frame`: the `seeds` first, then the frame's colours from most to least
  /// frequent, at most 256 in all.
  public static func palette(for frame: Frame, seeds: [RGBColor] = []) -> [RGBColor] {
    var counts: [UInt32: Int] = [:]
    let pixels = frame.pixels
    var index = 0
    while index + 2 < pixels.count {
      counts[key(pixels[index], pixels[index + 1], pixels[index + 2]), default: 0] += 1
      index += 3
    }
    var palette: [RGBColor] = []
    var seen = Set<UInt32>()
    for color in seeds where palette.count < 256 && seen.insert(key(color)).inserted { palette.append(color) }
    let ordered = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
    for (colorKey, _) in ordered where palette.count < 256 && seen.insert(colorKey).inserted {
      palette.append(RGBColor(red: UInt8(colorKey >> 16), green: UInt8((colorKey >> 8) & 0xFF), blue: UInt8(colorKey & 0xFF)))
    }
    if palette.isEmpty { palette.append(RGBColor(red: 0, green: 0, blue: 0)) }
    return palette
  }
}
