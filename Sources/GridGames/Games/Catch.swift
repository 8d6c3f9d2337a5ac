/// bsuite's Catch: a ball falls one row a step from a random column of the top row; the paddle
/// on the bottom row moves left, stays or moves right; +1 for a catch, −1 for a miss, and the
/// episode ends when the ball reaches the bottom row (after `rows - 1` steps).
/// Channels: ball, paddle.
public struct Catch: GridGame {
  public static let channelNames = ["ball", "paddle"]
  public static let actionNames = ["left", "stay", "right"]

  public let height: Int
  public let width: Int
  public var actionNames: [String] { Self.actionNames }
  public var channelNames: [String] { Self.channelNames }

  private var ballX = 0
  private var ballY = 0
  private var paddleX = 0

  /// A Catch board of `rows × columns`.
  ///
  /// - Precondition: `rows >= 2` and `columns >= 1`.
  public init(rows: Int = 10, columns: Int = 5) {
    precondition(rows >= 2 && columns >= 1, "Catch needs rows >= 2 and columns >= 1, got \(rows)×\(columns)")
    height = rows
    width = columns
    paddleX = columns / 2
  }

  public mutating func reset(using random: inout RandomState) {
    ballX = random.randomInteger(below: width)
    ballY = 0
    paddleX = width / 2
  }

  public mutating func step(_ action: Int, using random: inout RandomState) -> (reward: Float, terminated: Bool) {
    precondition(ballY < height - 1, "Catch.step after the episode ended")
    paddleX = min(max(paddleX + action - 1, 0), width - 1)
    ballY += 1
    if ballY == height - 1 {
      return (ballX == paddleX ? 1 : -1, true)
    }
    return (0, false)
  }

  public func state() -> GridState {
    var state = GridState(channelNames: Self.channelNames, height: height, width: width)
    state[0, ballY, ballX] = true
    state[1, height - 1, paddleX] = true
    return state
  }

  public func paint(_ cells: UnsafeMutableBufferPointer<UInt8>) {
    cells[(height - 1) * width + paddleX] = 2
    cells[ballY * width + ballX] = 1
  }
}
