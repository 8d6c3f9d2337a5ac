/// MinAtar Asterix, ported from `minatar` 1.0.15 (`environments/asterix.py`).
///
/// The player moves in four directions; enemies and gold enter from the sides; +1 per gold; an
/// enemy ends the episode. With difficulty ramping, entities spawn and move faster every 100
/// frames. Channels: player, enemy, trail, gold.
public struct Asterix: MinAtarGame {
  public static let name = "asterix"
  public static let summary = "MinAtar Asterix: collect gold (+1), avoid enemies"
  public static let channelNames = ["player", "enemy", "trail", "gold"]
  public static let palette = Palette(
    background: RGBColor(0x000000),
    channels: [RGBColor(0xffffff), RGBColor(0xe02020), RGBColor(0x405080), RGBColor(0xffd000)])
  static let rampInterval = 100
  static let initialSpawnSpeed = 10
  static let initialMoveInterval = 5

  private struct Entity: Sendable {
    var x: Int
    var y: Int
    var movesRight: Bool
    var isGold: Bool
  }

  public var difficultyLevel: Int? { rampIndex }

  /// Whether spawning and movement speed up over time.
  public var isRamping: Bool
  private var playerX = 5
  private var playerY = 5
  private var entities = [Entity?](repeating: nil, count: 8)
  private var spawnSpeed = Asterix.initialSpawnSpeed
  private var spawnTimer = Asterix.initialSpawnSpeed
  private var moveSpeed = Asterix.initialMoveInterval
  private var moveTimer = Asterix.initialMoveInterval
  private var rampTimer = Asterix.rampInterval
  private var rampIndex = 0
  private var isTerminal = false

  public init(parameters: MinAtarParameters) {
    self.init(ramping: parameters.difficultyRamping)
  }

  public init(ramping: Bool = true) {
    isRamping = ramping
  }

  public mutating func reset(using random: inout RandomState) {
    playerX = 5
    playerY = 5
    entities = [Entity?](repeating: nil, count: 8)
    spawnSpeed = Self.initialSpawnSpeed
    spawnTimer = spawnSpeed
    moveSpeed = Self.initialMoveInterval
    moveTimer = moveSpeed
    rampTimer = Self.rampInterval
    rampIndex = 0
    isTerminal = false
  }

  public mutating func step(_ action: Int, using random: inout RandomState) -> (reward: Float, terminated: Bool) {
    var reward: Float = 0
    if isTerminal { return (reward, true) }
    if spawnTimer == 0 {
      spawnEntity(using: &random)
      spawnTimer = spawnSpeed
    }
    switch action {
    case 1: playerX = max(0, playerX - 1)
    case 3: playerX = min(9, playerX + 1)
    case 2: playerY = max(1, playerY - 1)
    case 4: playerY = min(8, playerY + 1)
    default: break
    }
    for i in 0..<8 {
      if let entity = entities[i], entity.x == playerX, entity.y == playerY {
        if entity.isGold {
          entities[i] = nil
          reward += 1
        } else {
          isTerminal = true
        }
      }
    }
    if moveTimer == 0 {
      moveTimer = moveSpeed
      for i in 0..<8 {
        guard var entity = entities[i] else { continue }
        entity.x += entity.movesRight ? 1 : -1
        entities[i] = entity
        if entity.x < 0 || entity.x > 9 { entities[i] = nil }
        if entity.x == playerX && entity.y == playerY {
          if entity.isGold {
            entities[i] = nil
            reward += 1
          } else {
            isTerminal = true
          }
        }
      }
    }
    spawnTimer -= 1
    moveTimer -= 1
    if isRamping && (spawnSpeed > 1 || moveSpeed > 1) {
      if rampTimer >= 0 {
        rampTimer -= 1
      } else {
        if moveSpeed > 1 && rampIndex % 2 == 1 { moveSpeed -= 1 }
        if spawnSpeed > 1 { spawnSpeed -= 1 }
        rampIndex += 1
        rampTimer = Self.rampInterval
      }
    }
    return (reward, isTerminal)
  }

  private mutating func spawnEntity(using random: inout RandomState) {
    let movesRight = random.randomSample() < 1.0 / 2.0
    let isGold = random.randomSample() < 1.0 / 3.0
    let x = movesRight ? 0 : 9
    let slots = (0..<8).filter { entities[$0] == nil }
    if slots.isEmpty { return }
    let slot = slots[random.randomInteger(below: slots.count)]
    entities[slot] = Entity(x: x, y: slot + 1, movesRight: movesRight, isGold: isGold)
  }

  public func state() -> GridState {
    var state = GridState(channelNames: Self.channelNames, height: 10, width: 10)
    state[0, playerY, playerX] = true
    for case let entity? in entities {
      state[entity.isGold ? 3 : 1, entity.y, entity.x] = true
      let backX = entity.movesRight ? entity.x - 1 : entity.x + 1
      if backX >= 0 && backX <= 9 { state[2, entity.y, backX] = true }
    }
    return state
  }

  public func paint(_ cells: UnsafeMutableBufferPointer<UInt8>) {
    for case let entity? in entities {
      let backX = entity.movesRight ? entity.x - 1 : entity.x + 1
      if backX >= 0 && backX <= 9 { cells[entity.y * 10 + backX] = 3 }
    }
    for case let entity? in entities { cells[entity.y * 10 + entity.x] = entity.isGold ? 4 : 2 }
    cells[playerY * 10 + playerX] = 1
  }
}
