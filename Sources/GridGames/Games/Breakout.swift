/// MinAtar Breakout, ported from `minatar` 1.0.15 (`environments/breakout.py`).
///
/// The paddle on the bottom row bounces a diagonally moving ball into three rows of bricks;
/// +1 per brick; a new wall appears when all are cleared; the episode ends when the ball
/// reaches the bottom row past the paddle. Channels: paddle, ball, trail, brick.
public struct Breakout: MinAtarGame {
  public static let name = "breakout"
  public static let summary = "MinAtar Breakout: bounce the ball into the bricks (+1 per brick)"
  public static let channelNames = ["paddle", "ball", "trail", "brick"]
  public static let palette = Palette(
    background: RGBColor(0x000000),
    channels: [RGBColor(0x5090ff), RGBColor(0xffffff), RGBColor(0x806040), RGBColor(0xd04020)])

  private var ballX = 0
  private var ballY = 3
  private var ballDirection = 2
  private var position = 4
  private var bricks = [Bool](repeating: false, count: 100)
  private var brickCount = 0
  private var isStriking = false
  private var lastX = 0
  private var lastY = 3
  private var isTerminal = false

  public init() {}

  /// MinAtar's Breakout has no difficulty ramping: `difficultyRamping` changes nothing.
  public init(parameters: MinAtarParameters) {
    self.init()
  }

  public mutating func reset(using random: inout RandomState) {
    ballY = 3
    let start = random.randomInteger(below: 2)
    (ballX, ballDirection) = start == 0 ? (0, 2) : (9, 3)
    position = 4
    for index in 0..<100 { bricks[index] = (10...39).contains(index) }
    brickCount = 30
    isStriking = false
    lastX = ballX
    lastY = ballY
    isTerminal = false
  }

  public mutating func step(_ action: Int, using random: inout RandomState) -> (reward: Float, terminated: Bool) {
    var reward: Float = 0
    if isTerminal { return (reward, true) }
    if action == 1 {
      position = max(0, position - 1)
    } else if action == 3 {
      position = min(9, position + 1)
    }
    lastX = ballX
    lastY = ballY
    var newX: Int
    var newY: Int
    switch ballDirection {
    case 0: (newX, newY) = (ballX - 1, ballY - 1)
    case 1: (newX, newY) = (ballX + 1, ballY - 1)
    case 2: (newX, newY) = (ballX + 1, ballY + 1)
    default: (newX, newY) = (ballX - 1, ballY + 1)
    }
    var strikeToggle = false
    if newX < 0 || newX > 9 {
      newX = min(max(newX, 0), 9)
      ballDirection = [1, 0, 3, 2][ballDirection]
    }
    if newY < 0 {
      newY = 0
      ballDirection = [3, 2, 1, 0][ballDirection]
    } else if bricks[newY * 10 + newX] {
      strikeToggle = true
      if !isStriking {
        reward += 1
        isStriking = true
        bricks[newY * 10 + newX] = false
        brickCount -= 1
        newY = lastY
        ballDirection = [3, 2, 1, 0][ballDirection]
      }
    } else if newY == 9 {
      if brickCount == 0 {
        for index in 10..<40 { bricks[index] = true }
        brickCount = 30
      }
      if ballX == position {
        ballDirection = [3, 2, 1, 0][ballDirection]
        newY = lastY
      } else if newX == position {
        ballDirection = [2, 3, 0, 1][ballDirection]
        newY = lastY
      } else {
        isTerminal = true
      }
    }
    if !strikeToggle { isStriking = false }
    ballX = newX
    ballY = newY
    return (reward, isTerminal)
  }

  public func state() -> GridState {
    var state = GridState(channelNames: Self.channelNames, height: 10, width: 10)
    state[1, ballY, ballX] = true
    state[0, 9, position] = true
    state[2, lastY, lastX] = true
    for index in 0..<100 where bricks[index] { state[3, index / 10, index % 10] = true }
    return state
  }

  public func paint(_ cells: UnsafeMutableBufferPointer<UInt8>) {
    bricks.withUnsafeBufferPointer { bricks in
      for index in 0..<100 where bricks[index] { cells[index] = 4 }
    }
    cells[lastY * 10 + lastX] = 3
    cells[ballY * 10 + ballX] = 2
    cells[90 + position] = 1
  }
}
