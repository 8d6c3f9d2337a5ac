/// A maze grid: walls, lava, goals and one start cell.
///
/// Text form: one line per row, `#` wall, `S` start, `G` goal, `L` lava, `.` or space free.
public struct MazeLayout: Sendable, Equatable {
  /// What occupies a cell.
  public enum Cell: UInt8, Sendable {
    case free = 0, wall, lava, goal
  }

  public var height: Int
  public var width: Int
  /// Row-major cells.
  public var cells: [Cell]
  public var start: (y: Int, x: Int)

  public static func == (lhs: MazeLayout, rhs: MazeLayout) -> Bool {
    lhs.height == rhs.height && lhs.width == rhs.width && lhs.cells == rhs.cells
      && lhs.start == rhs.start
  }

  /// Parses a text layout.
  ///
  /// - Throws: `MazeLayoutError` when the text is empty, rows differ in length, a character is
  ///   unknown, or there is not exactly one start or no goal.
  public init(text: String) throws(MazeLayoutError) {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      String($0.hasSuffix("\r") ? $0.dropLast() : $0)
    }
    while let last = lines.last, last.allSatisfy({ $0 == " " }) { lines.removeLast() }
    while let first = lines.first, first.isEmpty { lines.removeFirst() }
    guard let first = lines.first, !first.isEmpty else { throw .empty }
    let width = first.count
    for (row, line) in lines.enumerated() where line.count != width {
      throw .ragged(row: row + 1, length: line.count, expected: width)
    }
    var cells: [Cell] = []
    var starts: [(y: Int, x: Int)] = []
    var hasGoal = false
    for (y, line) in lines.enumerated() {
      for (x, character) in line.enumerated() {
        switch character {
        case "#": cells.append(.wall)
        case "L": cells.append(.lava)
        case "G":
          cells.append(.goal)
          hasGoal = true
        case "S":
          cells.append(.free)
          starts.append((y, x))
        case ".", " ": cells.append(.free)
        default: throw .unknownCharacter(character, row: y + 1, column: x + 1)
        }
      }
    }
    guard let start = starts.first else { throw .noStart }
    guard starts.count == 1 else { throw .multipleStarts(starts.count) }
    guard hasGoal else { throw .noGoal }
    self.height = lines.count
    self.width = width
    self.cells = cells
    self.start = start
  }

  init(height: Int, width: Int, cells: [Cell], start: (y: Int, x: Int)) {
    self.height = height
    self.width = width
    self.cells = cells
    self.start = start
  }

  /// The cell at row `y`, column `x`; outside the grid counts as wall.
  public subscript(y: Int, x: Int) -> Cell {
    guard y >= 0, y < height, x >= 0, x < width else { return .wall }
    return cells[y * width + x]
  }

  /// The layout as text (`#`, `S`, `G`, `L`, `.`).
  public var text: String {
    var lines: [String] = []
    for y in 0..<height {
      var line = ""
      for x in 0..<width {
        if (y, x) == start {
          line.append("S")
          continue
        }
        switch cells[y * width + x] {
        case .free: line.append(".")
        case .wall: line.append("#")
        case .lava: line.append("L")
        case .goal: line.append("G")
        }
      }
      lines.append(line)
    }
    return lines.joined(separator: "\n")
  }

  /// A random perfect maze (depth-first backtracker) of `rows × columns`, walls on the border,
  /// the start top-left and the goal bottom-right.
  ///
  /// - Precondition: `rows` and `columns` are odd and at least 5.
  public static func random(rows: Int, columns: Int, using random: inout RandomState) -> MazeLayout {
    precondition(rows >= 5 && columns >= 5 && rows % 2 == 1 && columns % 2 == 1,
      "random maze needs odd rows and columns >= 5, got \(rows)×\(columns)")
    var cells = [Cell](repeating: .wall, count: rows * columns)
    let cellRows = (rows - 1) / 2
    let cellColumns = (columns - 1) / 2
    var visited = [Bool](repeating: false, count: cellRows * cellColumns)
    var stack = [(0, 0)]
    visited[0] = true
    cells[1 * columns + 1] = .free
    while let (r, c) = stack.last {
      var options: [(Int, Int)] = []
      for (dr, dc) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
        let nr = r + dr
        let nc = c + dc
        if nr >= 0, nr < cellRows, nc >= 0, nc < cellColumns, !visited[nr * cellColumns + nc] {
          options.append((nr, nc))
        }
      }
      if options.isEmpty {
        stack.removeLast()
        continue
      }
      let (nr, nc) = options[random.randomInteger(below: options.count)]
      visited[nr * cellColumns + nc] = true
      cells[(2 * nr + 1) * columns + 2 * nc + 1] = .free
      cells[(r + nr + 1) * columns + c + nc + 1] = .free
      stack.append((nr, nc))
    }
    cells[(rows - 2) * columns + columns - 2] = .goal
    return MazeLayout(height: rows, width: columns, cells: cells, start: (1, 1))
  }
}

/// What is wrong with a maze layout's text.
public enum MazeLayoutError: Error, Equatable, Sendable, CustomStringConvertible {
  case empty
  case ragged(row: Int, length: Int, expected: Int)
  case unknownCharacter(Character, row: Int, column: Int)
  case noStart
  case multipleStarts(Int)
  case noGoal

  public var description: String {
    switch self {
    case .empty: "the layout is empty"
    case .ragged(let row, let length, let expected):
      "row \(row) has \(length) characters but row 1 has \(expected); all rows must have the same length"
    case .unknownCharacter(let character, let row, let column):
      "unknown character '\(character)' at row \(row), column \(column) (allowed: '#' wall, 'S' start, 'G' goal, 'L' lava, '.' or space free)"
    case .noStart: "the layout has no start 'S' (it needs exactly one)"
    case .multipleStarts(let count): "the layout has \(count) starts 'S' (it needs exactly one)"
    case .noGoal: "the layout has no goal 'G' (it needs at least one)"
    }
  }
}
