import Foundation
import Testing

@Suite struct PlotCommandTests {
  func writeRun(_ name: String, in directory: URL, episodes: Int, evaluations: Bool = true) throws -> URL {
    let folder = directory.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var metrics = "step,episode,return,length,epsilon,loss,max_q,wall_time\n"
    var eval = "step,mean_return,std_return,episodes,wall_time\n"
    for episode in 1...max(episodes, 1) where episodes > 0 {
      metrics += "\(episode * 9),\(episode),\(episode % 2 == 0 ? 1 : -1),9,0.5,0.1,0.2,1.0\n"
      if evaluations && episode % 5 == 0 { eval += "\(episode * 9),0.5,0.5,10,1.0\n" }
    }
    try metrics.write(to: folder.appendingPathComponent("metrics.csv"), atomically: true, encoding: .utf8)
    try eval.write(to: folder.appendingPathComponent("eval.csv"), atomically: true, encoding: .utf8)
    return folder
  }

  @Test(arguments: ["return", "loss", "q", "eval"])
  func plotsSeveralRuns(_ metric: String) throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let a = try writeRun("a", in: directory, episodes: 50)
    let b = try writeRun("b", in: directory, episodes: 30)
    let out = directory.appendingPathComponent("curve.png")
    let result = try runDQN(["plot", a.path, b.path, "--out", out.path, "--metric", metric, "--width", "640", "--height", "400"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(isPNG(out))
    #expect(result.stdout.contains("640×400"))
  }

  @Test func badRunsAreNamed() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let empty = try writeRun("empty", in: directory, episodes: 0)
    let out = directory.appendingPathComponent("c.png").path
    let noEval = try runDQN(["plot", empty.path, "--metric", "eval", "--out", out])
    #expect(noEval.status != 0)
    #expect(noEval.stderr.contains("no evaluations in eval.csv yet"))
    let missing = try runDQN(["plot", directory.appendingPathComponent("nope").path, "--out", out])
    #expect(missing.status != 0)
    #expect(missing.stderr.contains("no such run folder"))
    let unwritable = try runDQN(["plot", empty.path, "--out", "/nonexistent/c.png"])
    #expect(unwritable.status != 0)
    #expect(unwritable.stderr.contains("cannot write /nonexistent/c.png"))
  }
}
