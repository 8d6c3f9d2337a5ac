/// One record of an event file: TensorFlow's `Event` message (`event.proto`) with the summaries
/// TensorBoard's dashboards read (`summary.proto`).
public struct Event: Equatable, Sendable {
  /// Seconds since 1970.
  public var wallTime: Double
  /// The x-axis of the dashboards: for `dqn`, the environment step.
  public var step: Int64
  public var content: Content

  public enum Content: Equatable, Sendable {
    /// The first record of every file: `"brain.Event:2"`.
    case fileVersion(String)
    case summary([SummaryValue])
  }

  public init(wallTime: Double, step: Int64, content: Content) {
    self.wallTime = wallTime
    self.step = step
    self.content = content
  }

  /// The message's bytes (fields: wall_time 1, step 2, file_version 3, summary 5).
  public func encoded() -> [UInt8] {
    var writer = ProtobufWriter()
    writer.double(1, wallTime)
    if step != 0 { writer.integer(2, step) }
    switch content {
    case .fileVersion(let version):
      writer.string(3, version)
    case .summary(let values):
      writer.message(5) { summary in
        for value in values { summary.message(1) { value.encode(into: &$0) } }
      }
    }
    return writer.bytes
  }
}

/// One tagged value of a summary (`Summary.Value`).
public struct SummaryValue: Equatable, Sendable {
  public var tag: String
  public var kind: Kind

  public enum Kind: Equatable, Sendable {
    /// A point on a curve (the Scalars tab).
    case scalar(Float)
    /// An encoded image (PNG) of `height × width` pixels with `channels` colour channels (the Images tab).
    case image(png: [UInt8], height: Int, width: Int, channels: Int)
    /// Markdown text (the Text tab): a string tensor marked for the `text` plugin.
    case text(String)
  }

  public init(tag: String, _ kind: Kind) {
    self.tag = tag
    self.kind = kind
  }

  public static func scalar(_ tag: String, _ value: Float) -> SummaryValue { SummaryValue(tag: tag, .scalar(value)) }

  func encode(into writer: inout ProtobufWriter) {
    writer.string(1, tag)
    switch kind {
    case .scalar(let value):
      writer.float(2, value)
    case .image(let png, let height, let width, let channels):
      writer.message(4) { image in
        image.integer(1, Int64(height))
        image.integer(2, Int64(width))
        image.integer(3, Int64(channels))
        image.bytes(4, png)
      }
    case .text(let text):
      // tensor 8 { dtype 1: DT_STRING (7), tensor_shape 2 {} (a scalar), string_val 8 }
      writer.message(8) { tensor in
        tensor.integer(1, 7)
        tensor.message(2) { _ in }
        tensor.bytes(8, Array(text.utf8))
      }
      // metadata 9 { plugin_data 1 { plugin_name 1: "text" } }
      writer.message(9) { metadata in metadata.message(1) { $0.string(1, "text") } }
    }
  }
}
