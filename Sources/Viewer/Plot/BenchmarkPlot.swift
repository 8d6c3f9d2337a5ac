import DQN
import Foundation
import GridGames

/// `curves.png` of `dqn benchmark`: one panel per game with the mean evaluation return over
/// environment steps across seeds (bold), the seeds' spread (lowest to highest) shaded, and the
/// family's reference figures as dashed horizontal lines.
public struct BenchmarkPlot {
  public var summary: BenchmarkSummary
  public var panelWidth = 420
  public var panelHeight = 300

  public init(summary: BenchmarkSummary) { self.summary = summary }

  /// One panel's curve: at each evaluation step, the mean, lowest and highest across the seeds
  /// that have an evaluation there.
  public static func band(_ curves: [[(step: Double, mean: Double)]]) -> [(step: Double, mean: Double, low: Double, high: Double)] {
    var byStep: [Double: [Double]] = [:]
    for curve in curves { for point in curve { byStep[point.step, default: []].append(point.mean) } }
    return byStep.keys.sorted().map { step in
      let values = byStep[step]!
      return (step, values.reduce(0, +) / Double(values.count), values.min()!, values.max()!)
    }
  }

  public var columns: Int { min(3, max(1, summary.games.count)) }
  public var rows: Int { (max(1, summary.games.count) + columns - 1) / columns }
  static let titleHeight = 44

  /// Draws every panel.
  ///
  /// - Throws: `ViewerError.noMetrics` when no game has an evaluation, `.fontMissing`, `.sdl`.
  public func render() throws(ViewerError) -> Frame {
    guard summary.games.contains(where: { $0.seeds.contains { !$0.curve.isEmpty } }) else {
      throw .noMetrics(file: "benchmark \(summary.family)", detail: "no finished run has evaluations yet")
    }
    let width = columns * panelWidth
    let height = Self.titleHeight + rows * panelHeight
    let canvas = try OffscreenCanvas(width: width, height: height)
    defer { canvas.close() }
    let font = try Font(size: 14)
    let smallFont = try Font(size: 11)
    defer {
      font.close()
      smallFont.close()
    }
    let renderer = canvas.renderer
    renderer.clear(LearningCurvePlot.background)
    let title = "\(summary.family): mean evaluation return over environment steps (shaded: seeds' range; dashed: references)"
    renderer.text(title, x: 12, y: 8, font: font, LearningCurvePlot.axisColor)
    renderer.text(
      "observations: rendered grayscale pixels (4 stacked frames); references: MinAtar object channels",
      x: 12, y: 26, font: smallFont, LearningCurvePlot.axisColor)
    let targets = summary.references.targets(of: summary.family)
    for (index, game) in summary.games.enumerated() {
      let panel = Rect(
        x: (index % columns) * panelWidth, y: Self.titleHeight + (index / columns) * panelHeight,
        width: panelWidth, height: panelHeight)
      drawPanel(game, references: targets, in: panel, renderer: renderer, font: smallFont)
    }
    return try renderer.readPixels()
  }

  private func drawPanel(
    _ game: BenchmarkSummary.GameResult, references: [BenchmarkReferences.Reference], in panel: Rect,
    renderer: Renderer, font: Font
  ) {
    let axis = LearningCurvePlot.axisColor
    let area = Rect(x: panel.x + 56, y: panel.y + 26, width: panel.width - 56 - 16, height: panel.height - 26 - 40)
    let band = Self.band(game.seeds.map(\.curve))
    let referenceValues = references.compactMap { reference in reference.scores[game.game].map { (reference.name, $0) } }
    let xs = [0, Double(summary.steps)] + band.map(\.step)
    let ys = [0] + band.flatMap { [$0.low, $0.high] } + referenceValues.map(\.1)
    let xScale = AxisScale(minimum: xs.min() ?? 0, maximum: xs.max() ?? 1, targetTicks: 5)
    let yScale = AxisScale(minimum: ys.min() ?? 0, maximum: (ys.max() ?? 1) * 1.04, targetTicks: 5)
    func point(_ x: Double, _ y: Double) -> Point {
      Point(x: Double(area.x) + xScale.fraction(x) * Double(area.width - 1),
            y: Double(area.maxY - 1) - yScale.fraction(y) * Double(area.height - 1))
    }
    for tick in xScale.ticks {
      let x = point(tick, yScale.lower).x
      renderer.line(from: Point(x: x, y: Double(area.y)), to: Point(x: x, y: Double(area.maxY - 1)), LearningCurvePlot.gridColor)
      let label = xScale.label(tick)
      renderer.text(label, x: Int(x) - font.size(of: label).width / 2, y: area.maxY + 4, font: font, axis)
    }
    for tick in yScale.ticks {
      let y = point(xScale.lower, tick).y
      renderer.line(from: Point(x: Double(area.x), y: y), to: Point(x: Double(area.maxX - 1), y: y), LearningCurvePlot.gridColor)
      let label = yScale.label(tick)
      let size = font.size(of: label)
      renderer.text(label, x: area.x - 6 - size.width, y: Int(y) - size.height / 2, font: font, axis)
    }
    renderer.outline(area, axis)
    let color = LearningCurvePlot.runColors[0]
    renderer.clip(to: area)
    // The seeds' range: a vertical line per pixel column between the interpolated low and high.
    for (a, b) in zip(band, band.dropFirst()) {
      let x0 = Int(point(a.step, 0).x.rounded()), x1 = Int(point(b.step, 0).x.rounded())
      guard x1 > x0 else { continue }
      for x in x0..<x1 {
        let t = Double(x - x0) / Double(x1 - x0)
        let low = a.low + (b.low - a.low) * t, high = a.high + (b.high - a.high) * t
        renderer.line(from: Point(x: Double(x), y: point(0, low).y), to: Point(x: Double(x), y: point(0, high).y), color, alpha: 60)
      }
    }
    renderer.polyline(band.map { point($0.step, $0.mean) }, color, thickness: 2)
    for (index, (name, value)) in referenceValues.enumerated() {
      let dashColor = LearningCurvePlot.runColors[(index + 3) % LearningCurvePlot.runColors.count]
      let y = point(0, value).y
      var x = Double(area.x)
      while x < Double(area.maxX) {
        renderer.line(from: Point(x: x, y: y), to: Point(x: min(x + 7, Double(area.maxX)), y: y), dashColor)
        renderer.line(from: Point(x: x, y: y + 1), to: Point(x: min(x + 7, Double(area.maxX)), y: y + 1), dashColor)
        x += 12
      }
      // Above the line, or below it when the line runs along the top of the panel.
      let labelY = Int(y) - 15 >= area.y + 2 ? Int(y) - 15 : Int(y) + 4
      renderer.text("\(name): \(SummaryNumber.text(value))", x: area.x + 6, y: labelY, font: font, dashColor)
    }
    renderer.clip(to: nil)
    let mean = game.mean.map { String(format: "%.1f", $0) } ?? "–"
    let heading = "\(game.game): \(game.seeds.count) seed\(game.seeds.count == 1 ? "" : "s")"
      + (game.unfinished.isEmpty ? "" : " (\(game.unfinished.count) unfinished)") + ", final \(mean)"
    renderer.text(heading, x: area.x, y: panel.y + 6, font: font, axis)
  }

  /// Renders and writes a PNG.
  public func write(to url: URL) throws(ViewerError) {
    try PNGFile.write(try render(), to: url)
  }
}

/// A reference value as the tables print it (at most two decimals, no trailing zeros).
enum SummaryNumber {
  static func text(_ value: Double) -> String {
    var text = String(format: "%.2f", value)
    while text.contains(".") && (text.hasSuffix("0") || text.hasSuffix(".")) { text.removeLast() }
    return text
  }
}
