import Foundation
import Testing

@Suite struct BenchCommandTests {
  @Test func benchNetworkPrintsOneJSONObjectPerFigure() throws {
    let result = try runDQN(["bench", "nn", "--json", "--scale", "0.01"])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.count == 5)
    for (line, name) in zip(lines, ["dqn-update-minatar", "dqn-update-nature", "act-minatar", "act-nature", "supervised-simple-cnn"]) {
      let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      #expect(object["name"] as? String == name)
      #expect((object["ms_median"] as? Double ?? 0) > 0)
      #expect((object["runs"] as? Int ?? 0) >= 3)
    }
  }
}
