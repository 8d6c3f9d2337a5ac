/// An 8-bit RGB colour.
public struct RGBColor: Sendable, Equatable, Hashable, CustomStringConvertible {
  public var red: UInt8
  public var green: UInt8
  public var blue: UInt8

  public init(red: UInt8, green: UInt8, blue: UInt8) {
    self.red = red
    self.green = green
    self.blue = blue
  }

  /// The colour `0xRRGGBB` (`RGBColor(0x3c8cff)`), for palettes written in code.
  public init(_ value: UInt32) {
    self.init(red: UInt8(value >> 16 & 0xFF), green: UInt8(value >> 8 & 0xFF), blue: UInt8(value & 0xFF))
  }

  /// Parses `#rrggbb` (or `rrggbb`); nil if malformed.
  public init?(hex: String) {
    let digits = hex.hasPrefix("#") ? String(hex.dropFirst()) : hex
    guard digits.count == 6, let value = UInt32(digits, radix: 16) else { return nil }
    self.init(value)
  }

  /// `#rrggbb`.
  public var hex: String {
    let value = UInt32(red) << 16 | UInt32(green) << 8 | UInt32(blue)
    let digits = String(value, radix: 16)
    return "#" + String(repeating: "0", count: 6 - digits.count) + digits
  }

  public var description: String { hex }

  /// The grayscale level the observation pipeline gives this colour (ITU-R BT.601 luma,
  /// `(77 R + 150 G + 29 B + 128) / 256`).
  public var luminance: UInt8 { grayLevel(red, green, blue) }
}

/// BT.601 luma in integer arithmetic, as used by every grayscale conversion here.
@inline(__always)
func grayLevel(_ red: UInt8, _ green: UInt8, _ blue: UInt8) -> UInt8 {
  UInt8(truncatingIfNeeded: (77 &* UInt32(red) &+ 150 &* UInt32(green) &+ 29 &* UInt32(blue) &+ 128) >> 8)
}
