/// MinAtar Seaquest, ported from `minatar` 1.0.15 (`environments/seaquest.py`).
///
/// A two-cell submarine shoots fish and enemy subs (+1 each), rescues divers, and must surface
/// for oxygen with at least one diver aboard; surfacing with six divers pays out the remaining
/// oxygen. Each surfacing ramps up the difficulty. Channels: sub_front, sub_back,
/// friendly_bullet, trail, enemy_bullet, enemy_fish, enemy_sub, oxygen_guage, diver_guage, diver.
///
/// The reference keeps its objects in Python lists, removes them with `list.remove` (the first
/// *equal* element) while iterating `reversed(list)`, and keeps using an object after removing
/// it. `Objects` reproduces those semantics exactly, so even coincident objects behave as there.
public struct Seaquest: MinAtarGame {
  public static let name = "seaquest"
  public static let summary = "MinAtar Seaquest: shoot enemies, rescue divers, surface for oxygen"
  public static let channelNames = [
    "sub_front", "sub_back", "friendly_bullet", "trail", "enemy_bullet", "enemy_fish",
    "enemy_sub", "oxygen_guage", "diver_guage", "diver",
  ]
  public static let palette = Palette(background: RGBColor(0x000000), channels: [
    RGBColor(0xffff00), RGBColor(0xc0c000), RGBColor(0xffffff), RGBColor(0x303848), RGBColor(0xff8080),
    RGBColor(0xe02020), RGBColor(0xa020c0), RGBColor(0x20a0e0), RGBColor(0x40e040), RGBColor(0x40c0a0),
  ])
  static let maxOxygen = 200
  static let initialSpawnSpeed = 20
  static let diverSpawnSpeed = 30
  static let initialMoveInterval = 5
  static let shotCoolDown = 5
  static let enemyShotInterval = 10
  static let diverMoveInterval = 5

  /// A Python list of small lists: `[x, y, movesRight, timer, shotTimer]` (unused fields 0).
  /// Each element also has an identity, so that "the object" survives removals of equal ones.
  struct Object: Sendable {
    var x: Int
    var y: Int
    var movesRight: Bool
    var timer = 0
    var shotTimer = 0
    var identity = 0

    func hasSameValue(as other: Object) -> Bool {
      x == other.x && y == other.y && movesRight == other.movesRight && timer == other.timer
        && shotTimer == other.shotTimer
    }
  }

  struct Objects: Sendable {
    var items: [Object] = []

    /// Writes `object` back where its identity is, if it is still in the list.
    mutating func update(_ object: Object) {
      if let index = items.firstIndex(where: { $0.identity == object.identity }) { items[index] = object }
    }

    /// Python's `list.remove(object)`: removes the first element equal in value.
    mutating func remove(_ object: Object) {
      if let index = items.firstIndex(where: { $0.hasSameValue(as: object) }) { items.remove(at: index) }
    }

    /// Python's `for object in reversed(list)` while the body may shrink the list.
    mutating func forEachReversed(_ body: (inout Objects, Object) -> Void) {
      var index = items.count - 1
      while index >= 0 && index < items.count {
        let object = items[index]
        index -= 1
        body(&self, object)
      }
    }
  }

  public var difficultyLevel: Int? { rampIndex }

  /// Whether surfacing speeds up enemies and their spawning.
  public var isRamping: Bool
  private var oxygen = Seaquest.maxOxygen
  private var diverCount = 0
  private var subX = 5
  private var subY = 0
  private var facesRight = false
  private var friendlyBullets = Objects()
  private var enemyBullets = Objects()
  private var fish = Objects()
  private var subs = Objects()
  private var divers = Objects()
  private var enemySpawnSpeed = Seaquest.initialSpawnSpeed
  private var enemySpawnTimer = Seaquest.initialSpawnSpeed
  private var diverSpawnTimer = Seaquest.diverSpawnSpeed
  private var moveSpeed = Seaquest.initialMoveInterval
  private var rampIndex = 0
  private var shotTimer = 0
  private var isSurfaced = true
  private var isTerminal = false
  private var nextIdentity = 0

  public init(parameters: MinAtarParameters) {
    self.init(ramping: parameters.difficultyRamping)
  }

  public init(ramping: Bool = true) {
    isRamping = ramping
  }

  public mutating func reset(using random: inout RandomState) {
    oxygen = Self.maxOxygen
    diverCount = 0
    subX = 5
    subY = 0
    facesRight = false
    friendlyBullets = Objects()
    enemyBullets = Objects()
    fish = Objects()
    subs = Objects()
    divers = Objects()
    enemySpawnSpeed = Self.initialSpawnSpeed
    enemySpawnTimer = enemySpawnSpeed
    diverSpawnTimer = Self.diverSpawnSpeed
    moveSpeed = Self.initialMoveInterval
    rampIndex = 0
    shotTimer = 0
    isSurfaced = true
    isTerminal = false
  }

  private mutating func make(_ x: Int, _ y: Int, _ movesRight: Bool, timer: Int = 0, shotTimer: Int = 0) -> Object {
    nextIdentity &+= 1
    return Object(x: x, y: y, movesRight: movesRight, timer: timer, shotTimer: shotTimer, identity: nextIdentity)
  }

  public mutating func step(_ action: Int, using random: inout RandomState) -> (reward: Float, terminated: Bool) {
    var reward = 0
    if isTerminal { return (0, true) }
    if enemySpawnTimer == 0 {
      spawnEnemy(using: &random)
      enemySpawnTimer = enemySpawnSpeed
    }
    if diverSpawnTimer == 0 {
      spawnDiver(using: &random)
      diverSpawnTimer = Self.diverSpawnSpeed
    }
    if action == 5 && shotTimer == 0 {
      friendlyBullets.items.append(make(subX, subY, facesRight))
      shotTimer = Self.shotCoolDown
    } else if action == 1 {
      subX = max(0, subX - 1)
      facesRight = false
    } else if action == 3 {
      subX = min(9, subX + 1)
      facesRight = true
    } else if action == 2 {
      subY = max(0, subY - 1)
    } else if action == 4 {
      subY = min(8, subY + 1)
    }
    reward += updateFriendlyBullets()
    updateDivers()
    reward += updateEnemySubs()
    updateEnemyBullets()
    reward += updateFish()

    if enemySpawnTimer > 0 { enemySpawnTimer -= 1 }
    if diverSpawnTimer > 0 { diverSpawnTimer -= 1 }
    if shotTimer > 0 { shotTimer -= 1 }
    if oxygen <= 0 { isTerminal = true }
    if subY > 0 {
      oxygen -= 1
      isSurfaced = false
    } else if !isSurfaced {
      if diverCount == 0 {
        isTerminal = true
      } else {
        reward += surface()
      }
    }
    return (Float(reward), isTerminal)
  }

  private func isAtSub(_ object: Object) -> Bool { object.x == subX && object.y == subY }

  private mutating func updateFriendlyBullets() -> Int {
    var reward = 0
    var bullets = friendlyBullets
    bullets.forEachReversed { bullets, bullet in
      var bullet = bullet
      bullet.x += bullet.movesRight ? 1 : -1
      bullets.update(bullet)
      if bullet.x < 0 || bullet.x > 9 {
        bullets.remove(bullet)
        return
      }
      if let index = fish.items.firstIndex(where: { $0.x == bullet.x && $0.y == bullet.y }) {
        fish.items.remove(at: index)
        bullets.remove(bullet)
        reward += 1
        return
      }
      if let index = subs.items.firstIndex(where: { $0.x == bullet.x && $0.y == bullet.y }) {
        subs.items.remove(at: index)
        bullets.remove(bullet)
        reward += 1
      }
    }
    friendlyBullets = bullets
    return reward
  }

  private mutating func updateDivers() {
    var list = divers
    list.forEachReversed { list, diver in
      var diver = diver
      if isAtSub(diver) && diverCount < 6 {
        list.remove(diver)
        diverCount += 1
      } else if diver.timer == 0 {
        diver.timer = Self.diverMoveInterval
        diver.x += diver.movesRight ? 1 : -1
        list.update(diver)
        if diver.x < 0 || diver.x > 9 {
          list.remove(diver)
        } else if isAtSub(diver) && diverCount < 6 {
          list.remove(diver)
          diverCount += 1
        }
      } else {
        diver.timer -= 1
        list.update(diver)
      }
    }
    divers = list
  }

  private mutating func updateEnemySubs() -> Int {
    var reward = 0
    var list = subs
    var newBullets: [Object] = []
    list.forEachReversed { list, sub in
      var sub = sub
      if isAtSub(sub) { isTerminal = true }
      if sub.timer == 0 {
        sub.timer = moveSpeed
        sub.x += sub.movesRight ? 1 : -1
        list.update(sub)
        if sub.x < 0 || sub.x > 9 {
          list.remove(sub)
        } else if isAtSub(sub) {
          isTerminal = true
        } else if let index = friendlyBullets.items.firstIndex(where: { $0.x == sub.x && $0.y == sub.y }) {
          list.remove(sub)
          friendlyBullets.items.remove(at: index)
          reward += 1
        }
      } else {
        sub.timer -= 1
        list.update(sub)
      }
      if sub.shotTimer == 0 {
        sub.shotTimer = Self.enemyShotInterval
        list.update(sub)
        newBullets.append(Object(x: sub.x, y: sub.y, movesRight: sub.movesRight))
      } else {
        sub.shotTimer -= 1
        list.update(sub)
      }
    }
    subs = list
    for bullet in newBullets { enemyBullets.items.append(make(bullet.x, bullet.y, bullet.movesRight)) }
    return reward
  }

  private mutating func updateEnemyBullets() {
    var list = enemyBullets
    list.forEachReversed { list, bullet in
      var bullet = bullet
      if isAtSub(bullet) { isTerminal = true }
      bullet.x += bullet.movesRight ? 1 : -1
      list.update(bullet)
      if bullet.x < 0 || bullet.x > 9 {
        list.remove(bullet)
      } else if isAtSub(bullet) {
        isTerminal = true
      }
    }
    enemyBullets = list
  }

  private mutating func updateFish() -> Int {
    var reward = 0
    var list = fish
    list.forEachReversed { list, one in
      var one = one
      if isAtSub(one) { isTerminal = true }
      if one.timer == 0 {
        one.timer = moveSpeed
        one.x += one.movesRight ? 1 : -1
        list.update(one)
        if one.x < 0 || one.x > 9 {
          list.remove(one)
        } else if isAtSub(one) {
          isTerminal = true
        } else if let index = friendlyBullets.items.firstIndex(where: { $0.x == one.x && $0.y == one.y }) {
          list.remove(one)
          friendlyBullets.items.remove(at: index)
          reward += 1
        }
      } else {
        one.timer -= 1
        list.update(one)
      }
    }
    fish = list
    return reward
  }

  private mutating func surface() -> Int {
    isSurfaced = true
    var reward = 0
    if diverCount == 6 {
      diverCount = 0
      reward = floorDivide(oxygen * 10, Self.maxOxygen)
    }
    oxygen = Self.maxOxygen
    diverCount -= 1
    if isRamping && (enemySpawnSpeed > 1 || moveSpeed > 2) {
      if moveSpeed > 2 && rampIndex % 2 == 1 { moveSpeed -= 1 }
      if enemySpawnSpeed > 1 { enemySpawnSpeed -= 1 }
      rampIndex += 1
    }
    return reward
  }

  private mutating func spawnEnemy(using random: inout RandomState) {
    let movesRight = random.randomSample() < 1.0 / 2.0
    let isSub = random.randomSample() < 1.0 / 3.0
    let x = movesRight ? 0 : 9
    let y = random.randomInteger(from: 1, below: 9)
    let blocked = (subs.items + fish.items).contains { $0.y == y && $0.movesRight != movesRight }
    if blocked { return }
    if isSub {
      subs.items.append(make(x, y, movesRight, timer: moveSpeed, shotTimer: Self.enemyShotInterval))
    } else {
      fish.items.append(make(x, y, movesRight, timer: moveSpeed))
    }
  }

  private mutating func spawnDiver(using random: inout RandomState) {
    let movesRight = random.randomSample() < 1.0 / 2.0
    let x = movesRight ? 0 : 9
    let y = random.randomInteger(from: 1, below: 9)
    divers.items.append(make(x, y, movesRight, timer: Self.diverMoveInterval))
  }

  /// numpy's negative-index wrap for the one index the reference may write at -1.
  private static func wrapped(_ x: Int) -> Int { x < 0 ? x + 10 : x }

  /// The columns of `state[9, 9 - diver_count : 9]`, with numpy's slice clamping.
  private var diverGaugeCells: Range<Int> {
    let start = 9 - diverCount
    return start < 9 ? max(0, start)..<9 : 9..<9
  }

  private var oxygenCells: Int { floorDivide(max(0, oxygen) * 10, Self.maxOxygen) }

  public func state() -> GridState {
    var state = GridState(channelNames: Self.channelNames, height: 10, width: 10)
    state[0, subY, subX] = true
    state[1, subY, Self.wrapped(facesRight ? subX - 1 : subX + 1)] = true
    for x in 0..<min(10, oxygenCells) { state[7, 9, x] = true }
    for x in diverGaugeCells { state[8, 9, x] = true }
    for bullet in friendlyBullets.items { state[2, bullet.y, bullet.x] = true }
    for bullet in enemyBullets.items { state[4, bullet.y, bullet.x] = true }
    for (channel, list) in [(5, fish), (6, subs), (9, divers)] {
      for object in list.items {
        state[channel, object.y, object.x] = true
        let backX = object.movesRight ? object.x - 1 : object.x + 1
        if backX >= 0 && backX <= 9 { state[3, object.y, backX] = true }
      }
    }
    return state
  }

  public func paint(_ cells: UnsafeMutableBufferPointer<UInt8>) {
    for x in 0..<min(10, oxygenCells) { cells[90 + x] = 8 }
    for x in diverGaugeCells { cells[90 + x] = 9 }
    for list in [fish, subs, divers] {
      for object in list.items {
        let backX = object.movesRight ? object.x - 1 : object.x + 1
        if backX >= 0 && backX <= 9 { cells[object.y * 10 + backX] = 4 }
      }
    }
    for diver in divers.items { cells[diver.y * 10 + diver.x] = 10 }
    for one in fish.items { cells[one.y * 10 + one.x] = 6 }
    for sub in subs.items { cells[sub.y * 10 + sub.x] = 7 }
    for bullet in enemyBullets.items { cells[bullet.y * 10 + bullet.x] = 5 }
    for bullet in friendlyBullets.items { cells[bullet.y * 10 + bullet.x] = 3 }
    cells[subY * 10 + Self.wrapped(facesRight ? subX - 1 : subX + 1)] = 2
    cells[subY * 10 + subX] = 1
  }
}
