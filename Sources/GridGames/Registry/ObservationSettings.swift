/// How frames are made from the game's pixels: colour mode, resize, stacking, skipping, time limit.
public struct ObservationSettings: Sendable, Equatable {
  /// Grayscale (1 channel) or RGB (3 channels).
  public enum ColorMode: String, Sendable, Codable, CaseIterable {
    case grayscale, rgb
  }

  /// An output size for area-averaged resizing.
  public struct Size: Sendable, Equatable, Codable {
    public var height: Int
    public var width: Int
    public init(height: Int, width: Int) {
      self.height = height
      self.width = width
    }
  }

  public var colorMode: ColorMode
  /// Resize frames to this size by area averaging; nil keeps `rows × cellPixels` by `columns × cellPixels`.
  public var resize: Size?
  /// Observations the agent stacks (the environment itself hands out single frames).
  public var frameStack: Int
  /// Each action is repeated this many times; the frame is the max over the last two.
  public var frameSkip: Int
  /// Truncate episodes after this many (agent) steps; nil for no limit.
  public var maxEpisodeSteps: Int?

  public init(colorMode: ColorMode = .grayscale, resize: Size? = nil, frameStack: Int = 1, frameSkip: Int = 1,
              maxEpisodeSteps: Int? = nil) {
    self.colorMode = colorMode
    self.resize = resize
    self.frameStack = frameStack
    self.frameSkip = frameSkip
    self.maxEpisodeSteps = maxEpisodeSteps
  }

  static let keys = ["colorMode", "resize", "frameStack", "frameSkip", "maxEpisodeSteps"]
}
