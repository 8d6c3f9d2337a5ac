import Testing
@testable import GridGames

/// Replays the golden traces recorded from the reference `minatar` 1.0.15 package
/// (scripts/minatar_golden.py) and checks the state, reward and terminal flag at every step.
@Suite struct MinAtarGoldenTests {
  static let digits = Array("0123456789abcdefghijklmnopqrstuv")

  static func decodeToggles(_ text: Substring) -> [Int] {
    var result: [Int] = []
    var iterator = text.makeIterator()
    while let high = iterator.next(), let low = iterator.next() {
      let h = digits.firstIndex(of: high) ?? 0
      let l = digits.firstIndex(of: low) ?? 0
      result.append(h * 32 + l)
    }
    return result
  }

  struct Header {
    var seed: UInt64 = 0
    var sticky = 0.1
    var ramping = true
    var steps = 0
    var terminal = false
    var ramp = -1
  }

  static func header(_ line: Substring) -> Header {
    var header = Header()
    for field in line.split(separator: " ").dropFirst() {
      let parts = field.split(separator: "=")
      guard parts.count == 2 else { continue }
      let value = String(parts[1])
      switch parts[0] {
      case "seed": header.seed = UInt64(value) ?? 0
      case "sticky": header.sticky = Double(value) ?? 0
      case "ramping": header.ramping = value == "1"
      case "steps": header.steps = Int(value) ?? 0
      case "terminal": header.terminal = value == "1"
      case "ramp": header.ramp = Int(value) ?? -1
      default: break
      }
    }
    return header
  }

  @Test(arguments: ["breakout", "freeway", "asterix", "seaquest", "space-invaders"])
  func matchesReference(_ gameName: String) throws {
    let text = try fixtureText("minatar/\(gameName).trace")
    let lines = text.split(separator: "\n")
    let game = try #require(GameRegistry.game(named: gameName))
    var episodes = 0
    var totalSteps = 0
    var maximumRamp = 0
    var index = 1
    while index < lines.count {
      let header = Self.header(lines[index])
      index += 1
      var definition = EnvironmentDefinition.defaults(for: game)
      definition.stickyActionProbability = header.sticky
      definition.parameters = MinAtarParameters(difficultyRamping: header.ramping)
      var environment = try definition.makeEnvironment()
      _ = environment.reset(seed: header.seed)
      var expected = [Bool](repeating: false, count: game.channelNames.count * 100)
      let resetLine = lines[index]
      index += 1
      for bit in Self.decodeToggles(resetLine.dropFirst(2)) { expected[bit].toggle() }
      let context = "\(gameName) seed \(header.seed)"
      try #require(environment.gridState.bits == expected, "\(context): state after reset")
      for step in 1...max(1, header.steps) where header.steps > 0 {
        let line = lines[index]
        index += 1
        let colon = try #require(line.firstIndex(of: ":"))
        let head = line[..<colon]
        let action = try #require(head.first?.wholeNumberValue)
        var reward: Float = 0
        if let r = head.firstIndex(of: "r") {
          let digits = head[head.index(after: r)...].prefix { $0.isNumber }
          reward = Float(Int(digits) ?? 0)
        }
        let terminal = head.contains("t")
        for bit in Self.decodeToggles(line[line.index(after: colon)...]) { expected[bit].toggle() }
        let result = environment.step(action)
        try #require(result.reward == reward, "\(context) step \(step): reward")
        try #require(result.terminated == terminal, "\(context) step \(step): terminal")
        if environment.gridState.bits != expected {
          var reference = environment.gridState
          reference.bits = expected
          Issue.record("\(context) step \(step): state differs\nours:\n\(environment.gridState.picture)\nreference:\n\(reference.picture)")
          return
        }
      }
      #expect((environment.difficultyLevel ?? -1) == header.ramp, "\(context): final difficulty")
      maximumRamp = max(maximumRamp, environment.difficultyLevel ?? 0)
      episodes += 1
      totalSteps += header.steps
    }
    #expect(episodes >= 20)
    if ["asterix", "seaquest", "space-invaders"].contains(gameName) {
      #expect(maximumRamp >= 1, "the traces should reach difficulty ramping")
    }
  }
}
