import Foundation
import GridGames
import Testing

@testable import Viewer

extension SDLTests {
  /// A run folder with `episodes` rows of a rising return and an evaluation every 10 episodes.
  func syntheticRun(named name: String, in directory: URL, episodes: Int, slope: Double) throws -> URL {
    let folder = directory.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var metrics = "step,episode,return,length,epsilon,loss,max_q,wall_time\n"
    var evaluations = "step,mean_return,std_return,episodes,wall_time\n"
    for episode in 1...episodes {
      let step = episode * 10
      let value = slope * Double(episode) + Double(episode % 3)
      metrics += "\(step),\(episode),\(value),10,0.1,\(1.0 / Double(episode)),\(value / 2),0.0\n"
      if episode % 10 == 0 { evaluations += "\(step),\(value),1.5,5,0.0\n" }
    }
    try metrics.write(to: folder.appendingPathComponent("metrics.csv"), atomically: true, encoding: .utf8)
    try evaluations.write(to: folder.appendingPathComponent("eval.csv"), atomically: true, encoding: .utf8)
    return folder
  }

  @Test(arguments: LearningCurvePlot.Metric.allCases)
  func plotDecodesWithTheRightSizeAndBothRuns(_ metric: LearningCurvePlot.Metric) throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let runs = [
      try RunMetrics.load(try syntheticRun(named: "fast", in: directory, episodes: 200, slope: 0.05)),
      try RunMetrics.load(try syntheticRun(named: "slow", in: directory, episodes: 120, slope: 0.01)),
    ]
    var plot = LearningCurvePlot(runs: runs, metric: metric)
    plot.width = 800
    plot.height = 500
    let url = directory.appendingPathComponent("curve.png")
    try plot.write(to: url)
    let image = try PNGFile.read(url)
    #expect(image.width == 800 && image.height == 500)
    // Both runs' colours appear inside the plotting area (bold lines or markers).
    let area = crop(image, plot.plotArea)
    var colors = Set<RGBColor>()
    for pixel in stride(from: 0, to: area.pixels.count, by: 3) {
      colors.insert(RGBColor(red: area.pixels[pixel], green: area.pixels[pixel + 1], blue: area.pixels[pixel + 2]))
    }
    #expect(colors.contains(LearningCurvePlot.runColors[0]))
    #expect(colors.contains(LearningCurvePlot.runColors[1]))
    // The axis frame is drawn.
    #expect(color(image, x: plot.plotArea.x, y: plot.plotArea.y + 10) == RGBColor(red: 40, green: 40, blue: 40))
  }

  @Test func plotWithoutDataSaysSo() throws {
    let run = RunMetrics(name: "empty", episodes: [], evaluations: [])
    #expect {
      try LearningCurvePlot(runs: [run], metric: .eval).render()
    } throws: { error in
      (error as? ViewerError)?.description == "empty: no evaluations in eval.csv yet"
    }
  }
}
