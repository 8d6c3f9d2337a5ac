/// A grid maze: four moves, +`goalReward` at a goal, `lavaReward` in lava (both end the
/// episode), and `-stepCost` for every other step. Channels: wall, lava, goal, agent.
///
/// With a fixed `layout` every episode plays the same maze; in random mode (`layout == nil`)
/// each reset draws a new maze of `rows × columns` from the episode's generator, or from
/// `mazeSeed` when given (the same random maze every episode).
public struct Maze: GridGame {
  public static let channelNames = ["wall", "lava", "goal", "agent"]
  public static let actionNames = ["up", "right", "down", "left"]

  public let height: Int
  public let width: Int
  public var actionNames: [String] { Self.actionNames }
  public var channelNames: [String] { Self.channelNames }

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
