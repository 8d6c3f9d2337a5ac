/// bsuite's Catch: a ball falls one row a step from a random column of the top row; the paddle
/// on the bottom row moves left, stays or moves right; +1 for a catch, −1 for a miss, and the
/// episode ends when the ball reaches the bottom row (after `rows - 1` steps).
/// Channels: ball, paddle.
public struct Catch: GridGame {
  public static let name = "catch"
  public static let summary = "bsuite Catch: catch the falling ball with the paddle (+1 catch, -1 miss)"
  public static let actionNames = ["left", "stay", "right"]
  public static let channelNames = ["ball", "paddle"]
  public static let palette = Palette(background: RGBColor(0x000000), channels: [RGBColor(0xffffff), RGBColor(0x3c8cff)])

  /// `rows` (2…100, default 10) and `columns` (1…100, default 5).
  public struct Parameters: GameParameters {
    public var rows = 10
    public var columns = 5
    public static let keys = ["rows", "columns"]

    public init() {}

    public init(from decoder: any Decoder) throws {
      self.init()
      let file = try ParameterReader(decoder)
      rows = try file.value("rows", in: 2...100) ?? rows
      columns = try file.value("columns", in: 1...100) ?? columns
    }

    public func encode(to encoder: any Encoder) throws {
      var file = ParameterWriter(encoder)
      try file.write("rows", rows)
      try file.write("columns", columns)
    }
  }

  public static func gridSize(for parameters: Parameters) -> (rows: Int, columns: Int) {
    (parameters.rows, parameters.columns)
  }

  public init(parameters: Parameters) {
    self.init(rows: parameters.rows, columns: parameters.columns)
  }

  public let height: Int
  public let width: Int

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
