/// The colours of a game: a background and one colour per symbolic-state channel.
///
/// The built-in palettes give every object type (and every MinAtar trail channel) a distinct
/// grayscale level, so grayscale observations keep all object types apart.
public struct Palette: Sendable, Equatable {
  public var background: RGBColor
  /// One colour per channel, in the game's channel order.
  public var channels: [RGBColor]

  public init(background: RGBColor, channels: [RGBColor]) {
    self.background = background
    self.channels = channels
  }

  /// The colour of palette index `index` (0 = background, 1 + c = channel c).
  public subscript(index: Int) -> RGBColor { index == 0 ? background : channels[index - 1] }
}
