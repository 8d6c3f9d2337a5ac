import Testing
@testable import GridGames

@Suite struct RandomStateTests {
  /// Replays `Fixtures/numpy_randomstate.txt`, written by numpy itself (scripts/minatar_golden.py).
  @Test func matchesNumPyLegacyRandomState() throws {
    let text = try fixtureText("numpy_randomstate.txt")
    var random = RandomState(seed: 0)
    var checked = 0
    for line in text.split(separator: "\n") {
      let fields = line.split(separator: " ").map(String.init)
      switch fields[0] {
      case "seed":
        random = RandomState(seed: try #require(UInt64(fields[1])))
      case "key":
        random = RandomState(key: try fields[1...].map { try #require(UInt32($0)) })
      case "rand":
        for hex in fields[1...] {
          let expected = try #require(Double(hex))
          #expect(random.randomSample() == expected, "\(line)")
          checked += 1
        }
      case "randint":
        let high = try #require(Int(fields[1]))
        for value in fields[2...] {
          #expect(random.randomInteger(below: high) == Int(value), "\(line)")
          checked += 1
        }
      case "randint_range":
        let low = try #require(Int(fields[1]))
        let high = try #require(Int(fields[2]))
        for value in fields[3...] {
          #expect(random.randomInteger(from: low, below: high) == Int(value), "\(line)")
          checked += 1
        }
      case "randint_size":
        let low = try #require(Int(fields[1]))
        let high = try #require(Int(fields[2]))
        for value in fields[4...] {
          #expect(random.randomInteger(from: low, below: high) == Int(value), "\(line)")
          checked += 1
        }
      case "rand_size":
        for hex in fields[2...] {
          #expect(random.randomSample() == Double(hex), "\(line)")
          checked += 1
        }
      default:
        Issue.record("unknown fixture line \(line)")
      }
    }
    #expect(checked > 400)
  }

  @Test func largeSeedsUseTheTwoWordKey() {
    let seed: UInt64 = 0x0000_0007_0000_0005
    var fromSeed = RandomState(seed: seed)
    var fromKey = RandomState(key: [5, 7])
    #expect(fromSeed.nextUInt32() == fromKey.nextUInt32())
  }
}
