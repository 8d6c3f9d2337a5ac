/// MinAtar Freeway, ported from `minatar` 1.0.15 (`environments/freeway.py`).
///
/// The chicken crosses eight lanes of cars from the bottom row to the top (+1 each time); a car
/// sends it back to the bottom; car speeds are re-drawn after each crossing; the episode ends
/// after 2500 frames (on the 2501st action). Channels: chicken, car, speed1 … speed5 (trails).
public struct Freeway: MinAtarGame {
  public static let name = "freeway"
  public static let summary = "MinAtar Freeway: cross the road (+1 per crossing), 2500 frames"
  public static let channelNames = ["chicken", "car", "speed1", "speed2", "speed3", "speed4", "speed5"]
  /// Fast cars draw bright trails.
  public static let palette = Palette(background: RGBColor(0x000000), channels: [
    RGBColor(0xffff40), RGBColor(0xe03030), RGBColor(0xa0a0a0), RGBColor(0x808080), RGBColor(0x606060),
    RGBColor(0x484848), RGBColor(0x303030),
  ])
  static let playerSpeed = 3
  /// Frames before the episode ends.
  public static let timeLimit = 2500

  private struct Car: Sendable {
    var x: Int
    var y: Int
    var timer: Int
    var speed: Int
  }

  private var cars: [Car] = []
  private var position = 9
  private var moveTimer = Freeway.playerSpeed
  private var terminateTimer = Freeway.timeLimit
  private var isTerminal = false

  public init() {}

  /// MinAtar's Freeway has no difficulty ramping: `difficultyRamping` changes nothing.
  public init(parameters: MinAtarParameters) {
    self.init()
  }

  public mutating func reset(using random: inout RandomState) {
    randomizeCars(initialize: true, using: &random)
    position = 9
    moveTimer = Self.playerSpeed
    terminateTimer = Self.timeLimit
    isTerminal = false
  }

  private mutating func randomizeCars(initialize: Bool, using random: inout RandomState) {
    var speeds = [Int](repeating: 0, count: 8)
    for i in 0..<8 { speeds[i] = random.randomInteger(from: 1, below: 6) }
    for i in 0..<8 {
      // np.sign(rand - 0.5): exactly 0.5 gives 0
      let sample = random.randomSample() - 0.5
      speeds[i] *= sample > 0 ? 1 : (sample < 0 ? -1 : 0)
    }
    if initialize {
      cars = (0..<8).map { Car(x: 0, y: $0 + 1, timer: abs(speeds[$0]), speed: speeds[$0]) }
    } else {
      for i in 0..<8 {
        cars[i].timer = abs(speeds[i])
        cars[i].speed = speeds[i]
      }
    }
  }

  public mutating func step(_ action: Int, using random: inout RandomState) -> (reward: Float, terminated: Bool) {
    var reward: Float = 0
    if isTerminal { return (reward, true) }
    if action == 2 && moveTimer == 0 {
      moveTimer = Self.playerSpeed
      position = max(0, position - 1)
    } else if action == 4 && moveTimer == 0 {
      moveTimer = Self.playerSpeed
      position = min(9, position + 1)
    }
    if position == 0 {
      reward += 1
      randomizeCars(initialize: false, using: &random)
      position = 9
    }
    for i in 0..<8 {
      if cars[i].x == 4 && cars[i].y == position { position = 9 }
      if cars[i].timer == 0 {
        cars[i].timer = abs(cars[i].speed)
        cars[i].x += cars[i].speed > 0 ? 1 : -1
        if cars[i].x < 0 {
          cars[i].x = 9
        } else if cars[i].x > 9 {
          cars[i].x = 0
        }
        if cars[i].x == 4 && cars[i].y == position { position = 9 }
      } else {
        cars[i].timer -= 1
      }
    }
    if moveTimer > 0 { moveTimer -= 1 }
    terminateTimer -= 1
    if terminateTimer < 0 { isTerminal = true }
    return (reward, isTerminal)
  }

  private func trail(of car: Car) -> (x: Int, channel: Int)? {
    var backX = car.speed > 0 ? car.x - 1 : car.x + 1
    if backX < 0 {
      backX = 9
    } else if backX > 9 {
      backX = 0
    }
    let speed = abs(car.speed)
    guard (1...5).contains(speed) else { return nil }
    return (backX, 1 + speed)
  }

  public func state() -> GridState {
    var state = GridState(channelNames: Self.channelNames, height: 10, width: 10)
    state[0, position, 4] = true
    for car in cars {
      state[1, car.y, car.x] = true
      if let trail = trail(of: car) { state[trail.channel, car.y, trail.x] = true }
    }
    return state
  }

  public func paint(_ cells: UnsafeMutableBufferPointer<UInt8>) {
    for car in cars {
      if let trail = trail(of: car) { cells[car.y * 10 + trail.x] = UInt8(trail.channel + 1) }
    }
    for car in cars { cells[car.y * 10 + car.x] = 2 }
    cells[position * 10 + 4] = 1
  }
}
