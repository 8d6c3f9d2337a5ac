/// An integer rectangle in window or image pixels.
public struct Rect: Sendable, Equatable, CustomStringConvertible {
  public var x: Int
  public var y: Int
  public var width: Int
  public var height: Int

  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = width
    self.height = height
  }

  public var maxX: Int { x + width }
  public var maxY: Int { y + height }
  /// The pixel at the centre.
  public var center: (x: Int, y: Int) { (x + width / 2, y + height / 2) }

  /// Whether the pixel (`px`, `py`) lies inside.
  public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }

  public var description: String { "(\(x), \(y), \(width)×\(height))" }
}

/// A point in pixels, fractional for smooth lines.
public struct Point: Sendable, Equatable {
  public var x: Double
  public var y: Double
  public init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }
}
