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
      let gflops = try #require(object["gflops"] as? Double)
      let peak = try #require(object["peak_gflops"] as? Double)
      let fraction = try #require(object["fraction_of_peak"] as? Double)
      #expect(peak > 0 && abs(fraction - gflops / peak) < 1e-3)
    }
  }

  /// --only picks figures, --peak replaces the measured peak (times --threads), --without takes
  /// fast-path names and refuses others.
  @Test func benchNetworkOnlyWithoutPeakAndThreads() throws {
    let result = try runDQN([
      "bench", "nn", "--json", "--scale", "0.01", "--only", "act-minatar", "--without", "implicit-convolution,matrix-products",
      "--peak", "50", "--threads", "2",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.count == 1)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
    #expect(object["name"] as? String == "act-minatar")
    #expect(object["peak_gflops"] as? Double == 100)
    for arguments in [["--without", "fast"], ["--only", "nothing"], ["--peak", "0"], ["--threads", "0"]] {
      let refused = try runDQN(["bench", "nn", "--scale", "0.01"] + arguments)
      #expect(refused.status != 0, "\(arguments)")
    }
  }
}
