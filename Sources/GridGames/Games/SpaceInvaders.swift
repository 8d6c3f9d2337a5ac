/// MinAtar Space Invaders, ported from `minatar` 1.0.15 (`environments/space_invaders.py`).
///
/// A cannon on the bottom row shoots a wave of aliens (+1 each) that sweeps sideways and steps
/// down at the edges; the aliens shoot back; an alien or bullet reaching the cannon ends the
/// episode. Each cleared wave (with ramping) moves faster. Channels: cannon, alien, alien_left,
/// alien_right, friendly_bullet, enemy_bullet.
public struct SpaceInvaders: MinAtarGame {
  public static let name = "space-invaders"
  public static let summary = "MinAtar Space Invaders: shoot the aliens (+1 each), dodge their fire"
  public static let channelNames = [
    "cannon", "alien", "alien_left", "alien_right", "friendly_bullet", "enemy_bullet",
  ]
  public static let palette = Palette(background: RGBColor(0x000000), channels: [
    RGBColor(0x40d040), RGBColor(0xc0c0c0), RGBColor(0xe040e0), RGBColor(0x20a0ff), RGBColor(0xffffff),
    RGBColor(0xff5010),
  ])
  static let shotCoolDown = 5
  static let enemyMoveInterval = 12
  static let enemyShotInterval = 10

  public var difficultyLevel: Int? { rampIndex }

  /// Whether each cleared wave moves faster.
  public var isRamping: Bool
  private var position = 5
  private var friendlyBullets = [Bool](repeating: false, count: 100)
  private var enemyBullets = [Bool](repeating: false, count: 100)
  private var aliens = [Bool](repeating: false, count: 100)
  private var alienDirection = -1
  private var enemyMoveInterval = SpaceInvaders.enemyMoveInterval
  private var alienMoveTimer = SpaceInvaders.enemyMoveInterval
  private var alienShotTimer = SpaceInvaders.enemyShotInterval
  private var rampIndex = 0
  private var shotTimer = 0
  private var isTerminal = false

  public init(parameters: MinAtarParameters) {
    self.init(ramping: parameters.difficultyRamping)
  }

  public init(ramping: Bool = true) {
    isRamping = ramping
  }

  private static func fillWave(_ map: inout [Bool]) {
    for y in 0..<4 {
      for x in 2..<8 { map[y * 10 + x] = true }
    }
  }

  public mutating func reset(using random: inout RandomState) {
    position = 5
    friendlyBullets = [Bool](repeating: false, count: 100)
    enemyBullets = [Bool](repeating: false, count: 100)
    aliens = [Bool](repeating: false, count: 100)
    Self.fillWave(&aliens)
    alienDirection = -1
    enemyMoveInterval = Self.enemyMoveInterval
    alienMoveTimer = enemyMoveInterval
    alienShotTimer = Self.enemyShotInterval
    rampIndex = 0
    shotTimer = 0
    isTerminal = false
  }

  /// `np.roll(map, shift, axis=0)`: row y moves to row y + shift, wrapping.
  private static func rollRows(_ map: inout [Bool], by shift: Int) {
    let old = map
    for y in 0..<10 {
      let source = ((y - shift) % 10 + 10) % 10
      for x in 0..<10 { map[y * 10 + x] = old[source * 10 + x] }
    }
  }

  /// `np.roll(map, shift, axis=1)`: column x moves to column x + shift, wrapping.
  private static func rollColumns(_ map: inout [Bool], by shift: Int) {
    let old = map
    for x in 0..<10 {
      let source = ((x - shift) % 10 + 10) % 10
      for y in 0..<10 { map[y * 10 + x] = old[y * 10 + source] }
    }
  }

  private var alienCount: Int { aliens.reduce(0) { $0 + ($1 ? 1 : 0) } }

  private func columnHasAlien(_ x: Int) -> Bool { (0..<10).contains { aliens[$0 * 10 + x] } }

  public mutating func step(_ action: Int, using random: inout RandomState) -> (reward: Float, terminated: Bool) {
    var reward = 0
    if isTerminal { return (0, true) }
    if action == 5 && shotTimer == 0 {
      friendlyBullets[90 + position] = true
      shotTimer = Self.shotCoolDown
    } else if action == 1 {
      position = max(0, position - 1)
    } else if action == 3 {
      position = min(9, position + 1)
    }
    Self.rollRows(&friendlyBullets, by: -1)
    for x in 0..<10 { friendlyBullets[90 + x] = false }
    Self.rollRows(&enemyBullets, by: 1)
    for x in 0..<10 { enemyBullets[x] = false }
    if enemyBullets[90 + position] { isTerminal = true }
    if aliens[90 + position] { isTerminal = true }
    if alienMoveTimer == 0 {
      alienMoveTimer = min(alienCount, enemyMoveInterval)
      if (columnHasAlien(0) && alienDirection < 0) || (columnHasAlien(9) && alienDirection > 0) {
        alienDirection = -alienDirection
        if (0..<10).contains(where: { aliens[90 + $0] }) { isTerminal = true }
        Self.rollRows(&aliens, by: 1)
      } else {
        Self.rollColumns(&aliens, by: alienDirection)
      }
      if aliens[90 + position] { isTerminal = true }
    }
    if alienShotTimer == 0 {
      alienShotTimer = Self.enemyShotInterval
      if let nearest = nearestAlien(to: position) { enemyBullets[nearest.y * 10 + nearest.x] = true }
    }
    for index in 0..<100 where aliens[index] && friendlyBullets[index] {
      reward += 1
      aliens[index] = false
      friendlyBullets[index] = false
    }
    if shotTimer > 0 { shotTimer -= 1 }
    alienMoveTimer -= 1
    alienShotTimer -= 1
    if alienCount == 0 {
      if enemyMoveInterval > 6 && isRamping {
        enemyMoveInterval -= 1
        rampIndex += 1
      }
      Self.fillWave(&aliens)
    }
    return (Float(reward), isTerminal)
  }

  /// The lowest alien in the column nearest `position` (ties: the lower column index first).
  private func nearestAlien(to position: Int) -> (y: Int, x: Int)? {
    let order = (0..<10).sorted { (abs($0 - position), $0) < (abs($1 - position), $1) }
    for x in order where columnHasAlien(x) {
      let y = (0..<10).last { aliens[$0 * 10 + x] } ?? 0
      return (y, x)
    }
    return nil
  }

  public func state() -> GridState {
    var state = GridState(channelNames: Self.channelNames, height: 10, width: 10)
    state[0, 9, position] = true
    let direction = alienDirection < 0 ? 2 : 3
    for index in 0..<100 {
      if aliens[index] {
        state.bits[100 + index] = true
        state.bits[direction * 100 + index] = true
      }
      if friendlyBullets[index] { state.bits[400 + index] = true }
      if enemyBullets[index] { state.bits[500 + index] = true }
    }
    return state
  }

  public func paint(_ cells: UnsafeMutableBufferPointer<UInt8>) {
    let alienPaint: UInt8 = alienDirection < 0 ? 3 : 4
    for index in 0..<100 {
      if aliens[index] { cells[index] = alienPaint }
      if enemyBullets[index] { cells[index] = 6 }
      if friendlyBullets[index] { cells[index] = 5 }
    }
    cells[90 + position] = 1
  }
}
