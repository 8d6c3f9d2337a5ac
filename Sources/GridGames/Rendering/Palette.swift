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

  /// The default palette of a game.
  public static func standard(for game: GameKind) -> Palette {
    func c(_ hex: String) -> RGBColor { RGBColor(hex: hex) ?? RGBColor(red: 255, green: 255, blue: 255) }
    let black = c("#000000")
    switch game {
    case .catch:
      return Palette(background: black, channels: [c("#ffffff"), c("#3c8cff")])  // ball, paddle
    case .maze:
      // wall, lava, goal, agent
      return Palette(background: black, channels: [c("#606060"), c("#e03010"), c("#20d040"), c("#ffffff")])
    case .snake:
      return Palette(background: black, channels: [c("#ffffff"), c("#30a030"), c("#e02828")])  // head, body, food
    case .breakout:
      // paddle, ball, trail, brick
      return Palette(background: black, channels: [c("#5090ff"), c("#ffffff"), c("#806040"), c("#d04020")])
    case .freeway:
      // chicken, car, speed1 … speed5 trails (fast cars draw bright trails)
      return Palette(background: black, channels: [
        c("#ffff40"), c("#e03030"), c("#a0a0a0"), c("#808080"), c("#606060"), c("#484848"), c("#303030"),
      ])
    case .asterix:
      // player, enemy, trail, gold
      return Palette(background: black, channels: [c("#ffffff"), c("#e02020"), c("#405080"), c("#ffd000")])
    case .seaquest:
      // sub_front, sub_back, friendly_bullet, trail, enemy_bullet, enemy_fish, enemy_sub,
      // oxygen_guage, diver_guage, diver
      return Palette(background: black, channels: [
        c("#ffff00"), c("#c0c000"), c("#ffffff"), c("#303848"), c("#ff8080"), c("#e02020"),
        c("#a020c0"), c("#20a0e0"), c("#40e040"), c("#40c0a0"),
      ])
    case .spaceInvaders:
      // cannon, alien, alien_left, alien_right, friendly_bullet, enemy_bullet
      return Palette(background: black, channels: [
        c("#40d040"), c("#c0c0c0"), c("#e040e0"), c("#20a0ff"), c("#ffffff"), c("#ff5010"),
      ])
    }
  }
}
