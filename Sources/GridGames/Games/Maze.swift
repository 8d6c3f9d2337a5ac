/// A grid maze: four moves, +`goalReward` at a goal, `lavaReward` in lava (both end the
/// episode), and `-stepCost` for every other step. Channels: wall, lava, goal, agent.
///
/// With a fixed `layout` every episode plays the same maze; in random mode (`layout == nil`)
/// each reset draws a new maze of `rows × columns` from the episode's generator, or from
/// `mazeSeed` when given (the same random maze every episode).
public struct Maze: GridGame {
  public static let name = "maze"
  public static let summary = "grid maze: reach the goal (+1), avoid lava (-1), small step cost"
  public static let actionNames = ["up", "right", "down", "left"]
  public static let channelNames = ["wall", "lava", "goal", "agent"]
  public static let palette = Palette(
    background: RGBColor(0x000000),
    channels: [RGBColor(0x606060), RGBColor(0xe03010), RGBColor(0x20d040), RGBColor(0xffffff)])
  /// Episodes end after 100 steps.
  public static let defaultObservation = ObservationSettings(maxEpisodeSteps: 100)

  /// The maze played when a file gives neither `layout` nor `rows`/`columns`: one corridor.
  public static let defaultLayout = try! MazeLayout(text: """
    #######
    #S....#
    #.###.#
    #...#.#
    ###.#.#
    #....G#
    #######
    """)

  /// Either `layout` (the maze as text, at most 100×100) or a random maze of `rows` × `columns`
  /// (odd, 5…99) with an optional `mazeSeed` (the same maze every episode); `goalReward`
  /// (default 1), `lavaReward` (default −1) and `stepCost` (default 0.01).
  public struct Parameters: GameParameters {
    /// Which maze is played.
    public enum Shape: Sendable, Equatable {
      /// This maze, every episode.
      case fixed(MazeLayout)
      /// A random maze of `rows × columns`, new every episode unless `mazeSeed` is set.
      case random(rows: Int, columns: Int, mazeSeed: UInt64?)
    }

    public var shape = Shape.fixed(Maze.defaultLayout)
    public var goalReward = 1.0
    public var lavaReward = -1.0
    public var stepCost = 0.01
    public static let keys = ["layout", "rows", "columns", "mazeSeed", "goalReward", "lavaReward", "stepCost"]

    public init() {}

    /// - Throws: `MazeLayoutError` for a layout that is not a maze, `ParameterError` otherwise.
    public init(from decoder: any Decoder) throws {
      self.init()
      let file = try ParameterReader(decoder)
      let rows = try file.value("rows", as: Int.self)
      let columns = try file.value("columns", as: Int.self)
      let mazeSeed = try file.value("mazeSeed", as: UInt64.self)
      if let text = try file.value("layout", as: String.self) {
        if let key = [("rows", rows != nil), ("columns", columns != nil), ("mazeSeed", mazeSeed != nil)].first(where: \.1)?.0 {
          throw ParameterError.invalidValue(
            key: key, value: "given with a layout",
            allowed: "either 'layout' or a random maze with 'rows', 'columns' and optional 'mazeSeed'")
        }
        let layout = try MazeLayout(text: text)
        guard layout.height <= 100 && layout.width <= 100 else {
          throw ParameterError.invalidValue(key: "layout", value: "\(layout.height)×\(layout.width)", allowed: "at most 100×100 cells")
        }
        shape = .fixed(layout)
      } else if rows != nil || columns != nil {
        func oddSize(_ key: String, _ value: Int?) throws(ParameterError) -> Int {
          guard let value else { throw .missingKey(key) }
          guard value >= 5 && value <= 99 && value % 2 == 1 else {
            throw .invalidValue(key: key, value: "\(value)", allowed: "an odd number in 5...99")
          }
          return value
        }
        shape = .random(rows: try oddSize("rows", rows), columns: try oddSize("columns", columns), mazeSeed: mazeSeed)
      } else if mazeSeed != nil {
        throw ParameterError.invalidValue(key: "mazeSeed", value: "given without rows and columns", allowed: "a random maze's seed")
      }
      goalReward = try file.value("goalReward") ?? goalReward
      lavaReward = try file.value("lavaReward") ?? lavaReward
      stepCost = try file.value("stepCost") ?? stepCost
    }

    public func encode(to encoder: any Encoder) throws {
      var file = ParameterWriter(encoder)
      switch shape {
      case .fixed(let layout):
        try file.write("layout", layout.text)
      case .random(let rows, let columns, let mazeSeed):
        try file.write("rows", rows)
        try file.write("columns", columns)
        try file.write("mazeSeed", mazeSeed)
      }
      try file.write("goalReward", goalReward)
      try file.write("lavaReward", lavaReward)
      try file.write("stepCost", stepCost)
    }
  }

  public static func gridSize(for parameters: Parameters) -> (rows: Int, columns: Int) {
    switch parameters.shape {
    case .fixed(let layout): (layout.height, layout.width)
    case .random(let rows, let columns, _): (rows, columns)
    }
  }

  public init(parameters: Parameters) {
    let (goal, lava, cost) = (Float(parameters.goalReward), Float(parameters.lavaReward), Float(parameters.stepCost))
    switch parameters.shape {
    case .fixed(let layout):
      self.init(layout: layout, goalReward: goal, lavaReward: lava, stepCost: cost)
    case .random(let rows, let columns, let mazeSeed):
      self.init(randomRows: rows, columns: columns, mazeSeed: mazeSeed, goalReward: goal, lavaReward: lava, stepCost: cost)
    }
  }

  public let height: Int
  public let width: Int

  public var goalReward: Float
  public var lavaReward: Float
  public var stepCost: Float
  private let fixedLayout: MazeLayout?
  private let mazeSeed: UInt64?
  private var layout: MazeLayout
  private var agentY = 0
  private var agentX = 0

  /// A maze with a fixed layout.
  public init(layout: MazeLayout, goalReward: Float = 1, lavaReward: Float = -1, stepCost: Float = 0.01) {
    self.fixedLayout = layout
    self.layout = layout
    self.mazeSeed = nil
    self.height = layout.height
    self.width = layout.width
    self.goalReward = goalReward
    self.lavaReward = lavaReward
    self.stepCost = stepCost
  }

  /// A random maze of `rows × columns` (odd, ≥ 5), new every episode unless `mazeSeed` is set.
  public init(randomRows rows: Int, columns: Int, mazeSeed: UInt64? = nil, goalReward: Float = 1,
              lavaReward: Float = -1, stepCost: Float = 0.01) {
    var generator = RandomState(seed: mazeSeed ?? 0)
    self.layout = MazeLayout.random(rows: rows, columns: columns, using: &generator)
    self.fixedLayout = nil
    self.mazeSeed = mazeSeed
    self.height = rows
    self.width = columns
    self.goalReward = goalReward
    self.lavaReward = lavaReward
    self.stepCost = stepCost
  }

  /// The maze being played.
  public var currentLayout: MazeLayout { layout }

  public mutating func reset(using random: inout RandomState) {
    if fixedLayout == nil {
      if let mazeSeed {
        var generator = RandomState(seed: mazeSeed)
        layout = MazeLayout.random(rows: height, columns: width, using: &generator)
      } else {
        layout = MazeLayout.random(rows: height, columns: width, using: &random)
      }
    }
    (agentY, agentX) = layout.start
  }

  public mutating func step(_ action: Int, using random: inout RandomState) -> (reward: Float, terminated: Bool) {
    let (dy, dx) = [(-1, 0), (0, 1), (1, 0), (0, -1)][action]
    if layout[agentY + dy, agentX + dx] != .wall {
      agentY += dy
      agentX += dx
    }
    switch layout[agentY, agentX] {
    case .goal: return (goalReward, true)
    case .lava: return (lavaReward, true)
    default: return (-stepCost, false)
    }
  }

  public func state() -> GridState {
    var state = GridState(channelNames: Self.channelNames, height: height, width: width)
    for y in 0..<height {
      for x in 0..<width {
        switch layout.cells[y * width + x] {
        case .wall: state[0, y, x] = true
        case .lava: state[1, y, x] = true
        case .goal: state[2, y, x] = true
        case .free: break
        }
      }
    }
    state[3, agentY, agentX] = true
    return state
  }

  public func paint(_ cells: UnsafeMutableBufferPointer<UInt8>) {
    layout.cells.withUnsafeBufferPointer { layoutCells in
      for index in 0..<layoutCells.count { cells[index] = layoutCells[index].rawValue }
    }
    cells[agentY * width + agentX] = 4
  }
}
