import Foundation
import GridGames

/// A learning-curve chart of one or more runs, drawn with SDL into an offscreen surface and
/// saved with SDL2_image: raw values faint, a moving average bold, evaluations marked, axes
/// with ticks and labels, and a legend.
public struct LearningCurvePlot {
  /// What to plot.
  public enum Metric: String, Sendable, CaseIterable {
    /// Episode returns (raw and averaged), with evaluation means marked.
    case `return`
    /// The mean training loss per episode.
    case loss
    /// The mean max-Q per episode.
    case q
    /// Evaluation mean returns with ±1 standard deviation.
    case eval

    var axisLabel: String {
      switch self {
      case .return: "episode return"
      case .loss: "training loss (mean per episode)"
      case .q: "mean max Q"
      case .eval: "evaluation return (mean ± std)"
      }
    }
  }

  public var runs: [RunMetrics]
  public var metric: Metric
  public var width = 960
  public var height = 560

  /// The colours of runs 1, 2, … (matplotlib's tab10).
  public static let runColors: [RGBColor] = [
    (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
    (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
  ].map { RGBColor(red: $0.0, green: $0.1, blue: $0.2) }
  static let background = RGBColor(red: 255, green: 255, blue: 255)
  static let axisColor = RGBColor(red: 40, green: 40, blue: 40)
  static let gridColor = RGBColor(red: 228, green: 228, blue: 228)

  public init(runs: [RunMetrics], metric: Metric) {
    self.runs = runs
    self.metric = metric
  }

  /// The plotting area inside the image.
  public var plotArea: Rect { Rect(x: 84, y: 56, width: width - 84 - 28, height: height - 56 - 64) }

  /// A trailing moving average over `window` values.
  public static func movingAverage(_ values: [Double], window: Int) -> [Double] {
    guard window > 1 else { return values }
    var result: [Double] = []
    result.reserveCapacity(values.count)
    var sum: Double = 0
    for (index, value) in values.enumerated() {
      sum += value
      if index >= window { sum -= values[index - window] }
      result.append(sum / Double(min(index + 1, window)))
    }
    return result
  }

  /// The moving-average window for `count` points: a tenth of them, between 1 and 100.
  public static func smoothingWindow(count: Int) -> Int { max(1, min(100, count / 10)) }

  /// A run's series for the metric: raw points, smoothed points, marked points with spreads.
  struct Series {
    var raw: [(Double, Double)] = []
    var smooth: [(Double, Double)] = []
    var marks: [(x: Double, y: Double, spread: Double)] = []
    var isEmpty: Bool { raw.isEmpty && smooth.isEmpty && marks.isEmpty }
  }

  func series(_ run: RunMetrics) -> Series {
    var series = Series()
    func rawAndSmooth(_ points: [(Double, Double)]) {
      series.raw = points
      let averaged = Self.movingAverage(points.map(\.1), window: Self.smoothingWindow(count: points.count))
      series.smooth = zip(points, averaged).map { ($0.0, $1) }
    }
    switch metric {
    case .return:
      rawAndSmooth(run.episodes.map { ($0.step, $0.episodeReturn) })
      series.marks = run.evaluations.map { ($0.step, $0.meanReturn, 0) }
    case .loss:
      rawAndSmooth(run.episodes.compactMap { episode in episode.loss.map { (episode.step, $0) } })
    case .q:
      rawAndSmooth(run.episodes.compactMap { episode in episode.maxQ.map { (episode.step, $0) } })
    case .eval:
      series.smooth = run.evaluations.map { ($0.step, $0.meanReturn) }
      series.marks = run.evaluations.map { ($0.step, $0.meanReturn, $0.standardDeviation) }
    }
    return series
  }

  /// Draws the chart.
  ///
  /// - Throws: `ViewerError.noMetrics` when no run has data for the metric, `.fontMissing`, `.sdl`.
  public func render() throws(ViewerError) -> Frame {
    let allSeries = runs.map(series)
    guard allSeries.contains(where: { !$0.isEmpty }) else {
      let what: String = switch metric {
      case .return: "no episodes in metrics.csv yet"
      case .loss: "no loss values in metrics.csv (learning has not started)"
      case .q: "no max_q values in metrics.csv (learning has not started)"
      case .eval: "no evaluations in eval.csv yet"
      }
      throw .noMetrics(file: runs.map(\.name).joined(separator: ", "), detail: what)
    }
    var xs: [Double] = [0]
    var ys: [Double] = []
    for series in allSeries {
      xs += series.raw.map(\.0) + series.smooth.map(\.0) + series.marks.map(\.x)
      ys += series.raw.map(\.1) + series.smooth.map(\.1)
      ys += series.marks.flatMap { [$0.y - $0.spread, $0.y + $0.spread] }
    }
    let xScale = AxisScale(minimum: xs.min() ?? 0, maximum: xs.max() ?? 1, targetTicks: 7)
    // A little room above and below, so no point sits on the frame.
    let yLow = ys.min() ?? 0
    let yHigh = ys.max() ?? 1
    let yPad = (yHigh - yLow) * 0.04
    let yScale = AxisScale(minimum: yLow - yPad, maximum: yHigh + yPad, targetTicks: 6)

    let canvas = try OffscreenCanvas(width: width, height: height)
    defer { canvas.close() }
    let font = try Font(size: 14)
    let smallFont = try Font(size: 12)
    defer {
      font.close()
      smallFont.close()
    }
    let renderer = canvas.renderer
    let area = plotArea
    func point(_ x: Double, _ y: Double) -> Point {
      Point(x: Double(area.x) + xScale.fraction(x) * Double(area.width - 1),
            y: Double(area.maxY - 1) - yScale.fraction(y) * Double(area.height - 1))
    }
    renderer.clear(Self.background)

    // Grid, ticks and tick labels.
    for tick in xScale.ticks {
      let x = point(tick, yScale.lower).x
      renderer.line(from: Point(x: x, y: Double(area.y)), to: Point(x: x, y: Double(area.maxY - 1)), Self.gridColor)
      renderer.line(from: Point(x: x, y: Double(area.maxY)), to: Point(x: x, y: Double(area.maxY + 5)), Self.axisColor)
      let label = xScale.label(tick)
      let size = smallFont.size(of: label)
      renderer.text(label, x: Int(x) - size.width / 2, y: area.maxY + 8, font: smallFont, Self.axisColor)
    }
    for tick in yScale.ticks {
      let y = point(xScale.lower, tick).y
      renderer.line(from: Point(x: Double(area.x), y: y), to: Point(x: Double(area.maxX - 1), y: y), Self.gridColor)
      renderer.line(from: Point(x: Double(area.x - 5), y: y), to: Point(x: Double(area.x), y: y), Self.axisColor)
      let label = yScale.label(tick)
      let size = smallFont.size(of: label)
      renderer.text(label, x: area.x - 8 - size.width, y: Int(y) - size.height / 2, font: smallFont, Self.axisColor)
    }
    renderer.outline(area, Self.axisColor)

    // Data, clipped to the area.
    renderer.clip(to: area)
    for (index, series) in allSeries.enumerated() {
      let color = Self.runColors[index % Self.runColors.count]
      renderer.polyline(series.raw.map { point($0.0, $0.1) }, color, alpha: 70)
      renderer.polyline(series.smooth.map { point($0.0, $0.1) }, color, thickness: 2)
      for mark in series.marks {
        let center = point(mark.x, mark.y)
        if mark.spread > 0 {
          let top = point(mark.x, mark.y + mark.spread)
          let bottom = point(mark.x, mark.y - mark.spread)
          renderer.line(from: top, to: bottom, color)
          renderer.line(from: Point(x: top.x - 3, y: top.y), to: Point(x: top.x + 3, y: top.y), color)
          renderer.line(from: Point(x: bottom.x - 3, y: bottom.y), to: Point(x: bottom.x + 3, y: bottom.y), color)
        }
        let box = Rect(x: Int(center.x) - 4, y: Int(center.y) - 4, width: 9, height: 9)
        renderer.fill(box, color)
        renderer.outline(box, Self.axisColor)
      }
    }
    renderer.clip(to: nil)

    // Title, axis labels, legend.
    let title = "Learning curve: \(metric.axisLabel)"
    renderer.text(title, x: area.x, y: 10, font: font, Self.axisColor)
    let styleNote: String = switch metric {
    case .eval: "line: evaluation mean · bars: ±1 std"
    case .return: "faint: episodes · bold: moving average · squares: evaluations"
    default: "faint: episodes · bold: moving average"
    }
    renderer.text(styleNote, x: area.x, y: 32, font: smallFont, Self.axisColor)
    let yLabel = smallFont.size(of: metric.axisLabel)
    renderer.text(metric.axisLabel, x: 10, y: area.y + (area.height - yLabel.width) / 2, font: smallFont, Self.axisColor,
                  vertical: true)
    let xLabel = "environment steps"
    renderer.text(xLabel, x: area.x + (area.width - smallFont.size(of: xLabel).width) / 2, y: area.maxY + 30,
                  font: smallFont, Self.axisColor)
    try drawLegend(on: renderer, area: area, font: smallFont)
    return try renderer.readPixels()
  }

  private func drawLegend(on renderer: Renderer, area: Rect, font: Font) throws(ViewerError) {
    let rowHeight = 18
    let labelWidth = runs.map { font.size(of: $0.name).width }.max() ?? 0
    let box = Rect(x: area.maxX - labelWidth - 46, y: area.y + 8, width: labelWidth + 38, height: runs.count * rowHeight + 8)
    renderer.fill(box, Self.background, alpha: 220)
    renderer.outline(box, Self.gridColor)
    for (index, run) in runs.enumerated() {
      let color = Self.runColors[index % Self.runColors.count]
      let y = box.y + 4 + index * rowHeight
      renderer.fill(Rect(x: box.x + 6, y: y + 7, width: 20, height: 3), color)
      renderer.text(run.name, x: box.x + 32, y: y, font: font, Self.axisColor)
    }
  }

  /// Renders and writes a PNG.
  public func write(to url: URL) throws(ViewerError) {
    try PNGFile.write(try render(), to: url)
  }
}
