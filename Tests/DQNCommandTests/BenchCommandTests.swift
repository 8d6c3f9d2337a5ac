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

@Suite struct BenchScaleCommandTests {
  /// Every configuration row and the projection come back as JSON, with the steps each run made.
  @Test func benchScalePrintsEveryConfigurationAndTheProjection() throws {
    let result = try runDQN([
      "bench", "scale", "--env", "catch", "--agent", "catch", "--steps", "1200", "--learning-starts", "400",
      "--envs", "2", "--actors", "1", "--ranks", "none", "--json",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let objects = try result.stdout.split(separator: "\n").map { line in
      try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }
    #expect(objects.map { $0["name"] as? String } == [
      "single loop (envs 1)", "envs 2", "actors 1 (threads)", "acting only (envs 1, ε 0.01)", "projection",
    ])
    for figure in objects.dropLast() {
      #expect((figure["steps"] as? Int ?? 0) >= 1200, "\(figure)")
      #expect((figure["seconds"] as? Double ?? 0) > 0)
    }
    #expect(objects[0]["updates"] as? Int ?? 0 > 0)
    #expect(objects[3]["updates"] as? Int == 0)
    let projection = objects[4]
    #expect((projection["actor_s_per_transition"] as? Double ?? 0) > 0)
    #expect((projection["learner_s_per_batch"] as? Double ?? 0) > 0)
  }

  @Test func benchScaleRefusesBadCounts() throws {
    for arguments in [["--actors", "0"], ["--ranks", "1"], ["--ranks", "two"], ["--steps", "100"]] {
      let refused = try runDQN(["bench", "scale", "--env", "catch"] + arguments)
      #expect(refused.status != 0, "\(arguments)")
    }
  }
}
