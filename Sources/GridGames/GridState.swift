/// A game's symbolic state: one boolean plane per object type (channel), each `height × width`.
///
/// For the MinAtar games the channels are in the reference's order, so
/// `state[channel, y, x] == env.state()[y, x, channel]` of the Python `minatar` package.
public struct GridState: Sendable, Equatable, Hashable {
  /// The channel names, in order (for MinAtar: the reference's `channels` dictionary order).
  public var channelNames: [String]
  public var height: Int
  public var width: Int
  /// Channel-major bits: `bits[(channel * height + y) * width + x]`.
  public var bits: [Bool]

  /// An all-false state.
  public init(channelNames: [String], height: Int, width: Int) {
    self.channelNames = channelNames
    self.height = height
    self.width = width
    self.bits = [Bool](repeating: false, count: channelNames.count * height * width)
  }

  /// The number of channels.
  public var channelCount: Int { channelNames.count }

  /// The bit of `channel` at row `y`, column `x`.
  public subscript(channel: Int, y: Int, x: Int) -> Bool {
    get { bits[(channel * height + y) * width + x] }
    set { bits[(channel * height + y) * width + x] = newValue }
  }

  /// The bit of the channel named `name` at row `y`, column `x` (false if there is no such channel).
  public subscript(name: String, y: Int, x: Int) -> Bool {
    guard let channel = channelNames.firstIndex(of: name) else { return false }
    return self[channel, y, x]
  }

  /// The state as nested arrays `[channel][y][x]`.
  public var planes: [[[Bool]]] {
    (0..<channelCount).map { c in
      (0..<height).map { y in (0..<width).map { x in self[c, y, x] } }
    }
  }

  /// The number of true bits in `channel`.
  public func count(channel: Int) -> Int {
    let plane = height * width
    return bits[(channel * plane)..<((channel + 1) * plane)].reduce(0) { $0 + ($1 ? 1 : 0) }
  }

  /// A text picture of the state: one character per cell, the highest set channel's initial, `.` if none.
  public var picture: String {
    var lines: [String] = []
    for y in 0..<height {
      var line = ""
      for x in 0..<width {
        var character: Character = "."
        for c in 0..<channelCount where self[c, y, x] {
          character = channelNames[c].first ?? "?"
        }
        line.append(character)
      }
      lines.append(line)
    }
    return lines.joined(separator: "\n")
  }
}
