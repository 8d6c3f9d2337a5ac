/// Classic Snake on a `rows × columns` grid: four absolute moves (reversing onto the neck is
/// ignored), +`foodReward` per food (the snake grows), `deathReward` and the end of the episode on
/// leaving the grid or hitting its own body. Filling the board also ends it. Channels: head, body, food.
public struct Snake: GridGame {
  public static let name = "snake"
  public static let summary = "Snake: eat food (+1), die on walls or your own body"
  public static let actionNames = ["up", "right", "down", "left"]
  public static let channelNames = ["head", "body", "food"]
  public static let palette = Palette(
    background: RGBColor(0x000000), channels: [RGBColor(0xffffff), RGBColor(0x30a030), RGBColor(0xe02828)])
  /// Episodes end after 1000 steps.
  public static let defaultObservation = ObservationSettings(maxEpisodeSteps: 1000)

  /// `rows` (3…100, default 10), `columns` (4…100, default 10), `foodReward` (default 1) and
  /// `deathReward` (default −1).
  public struct Parameters: GameParameters {
    public var rows = 10
    public var columns = 10
    public var foodReward = 1.0
    public var deathReward = -1.0
    public static let keys = ["rows", "columns", "foodReward", "deathReward"]

    public init() {}

    public init(from decoder: any Decoder) throws {
      self.init()
      let file = try ParameterReader(decoder)
      rows = try file.value("rows", in: 3...100) ?? rows
      columns = try file.value("columns", in: 4...100) ?? columns
      foodReward = try file.value("foodReward") ?? foodReward
      deathReward = try file.value("deathReward") ?? deathReward
    }

    public func encode(to encoder: any Encoder) throws {
      var file = ParameterWriter(encoder)
      try file.write("rows", rows)
      try file.write("columns", columns)
      try file.write("foodReward", foodReward)
      try file.write("deathReward", deathReward)
    }
  }

  public static func gridSize(for parameters: Parameters) -> (rows: Int, columns: Int) {
    (parameters.rows, parameters.columns)
  }

  public init(parameters: Parameters) {
    self.init(rows: parameters.rows, columns: parameters.columns, foodReward: Float(parameters.foodReward),
              deathReward: Float(parameters.deathReward))
  }

  public let height: Int
  public let width: Int
  public var foodReward: Float
  public var deathReward: Float

  /// Cell indices `y * width + x`, head first.
  private var body: [Int] = []
  private var occupied: [Bool]
  private var direction = 1
  private var food = -1

  /// - Precondition: `rows >= 3` and `columns >= 4`.
  public init(rows: Int = 10, columns: Int = 10, foodReward: Float = 1, deathReward: Float = -1) {
    precondition(rows >= 3 && columns >= 4, "Snake needs at least 3×4 cells, got \(rows)×\(columns)")
    height = rows
    width = columns
    self.foodReward = foodReward
    self.deathReward = deathReward
    occupied = [Bool](repeating: false, count: rows * columns)
  }

  public mutating func reset(using random: inout RandomState) {
    let y = height / 2
    let x = width / 2
    body = [y * width + x, y * width + x - 1, y * width + x - 2]
    occupied = [Bool](repeating: false, count: height * width)
    for cell in body { occupied[cell] = true }
    direction = 1
    placeFood(using: &random)
  }

  private mutating func placeFood(using random: inout RandomState) {
    let free = height * width - body.count
    guard free > 0 else {
      food = -1
      return
    }
    var choice = random.randomInteger(below: free)
    for cell in 0..<(height * width) where !occupied[cell] {
      if choice == 0 {
        food = cell
        return
      }
      choice -= 1
    }
  }

  public mutating func step(_ action: Int, using random: inout RandomState) -> (reward: Float, terminated: Bool) {
    if action != (direction + 2) % 4 { direction = action }
    let (dy, dx) = [(-1, 0), (0, 1), (1, 0), (0, -1)][direction]
    let headY = body[0] / width + dy
    let headX = body[0] % width + dx
    guard headY >= 0, headY < height, headX >= 0, headX < width else { return (deathReward, true) }
    let head = headY * width + headX
    let eats = head == food
    if !eats, let tail = body.last {
      occupied[tail] = false
      body.removeLast()
    }
    if occupied[head] { return (deathReward, true) }
    body.insert(head, at: 0)
    occupied[head] = true
    if eats {
      placeFood(using: &random)
      return (foodReward, food < 0)
    }
    return (0, false)
  }

  public func state() -> GridState {
    var state = GridState(channelNames: Self.channelNames, height: height, width: width)
    state.bits[body[0]] = true
    for cell in body.dropFirst() { state.bits[height * width + cell] = true }
    if food >= 0 { state.bits[2 * height * width + food] = true }
    return state
  }

  public func paint(_ cells: UnsafeMutableBufferPointer<UInt8>) {
    if food >= 0 { cells[food] = 3 }
    for cell in body.dropFirst() { cells[cell] = 2 }
    cells[body[0]] = 1
  }
}
