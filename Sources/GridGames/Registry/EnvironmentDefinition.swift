import Foundation
import Yams

/// An environment as an `Environments/NAME.yaml` file describes it: the game, its parameters,
/// its colours and the observation pipeline. Decoded definitions are fully resolved: every
/// parameter the game uses holds a value (defaults filled in), so `yaml()` writes them all.
///
/// A file may name only the game (`game: breakout`) and take every default. Keys:
/// - all games: `name`, `description`, `game`, `cellPixels` (1…64), `palette` (`background` and
///   channel names → `"#rrggbb"`), `stickyActionProbability` (0…1), `observation`
///   (`colorMode` grayscale|rgb, `resize` {height, width}, `frameStack`, `frameSkip`, `maxEpisodeSteps`);
/// - MinAtar games: `difficultyRamping`;
/// - catch: `rows`, `columns`; snake: `rows`, `columns`, `foodReward`, `deathReward`;
/// - maze: `layout` (text) or `rows`/`columns` (random, odd) with optional `mazeSeed`;
///   `goalReward`, `lavaReward`, `stepCost`.
public struct EnvironmentDefinition: Codable, Sendable, Equatable {
  public var name: String
  public var description: String
  public var game: GameKind
  public var cellPixels: Int
  /// Colours by name: `background`, then one per channel, in channel order.
  public var palette: [NamedColor]
  public var stickyActionProbability: Double
  /// MinAtar games only.
  public var difficultyRamping: Bool?
  /// Catch, snake and random mazes.
  public var rows: Int?
  public var columns: Int?
  /// Maze only: the text layout (nil for a random maze).
  public var layout: String?
  /// Random maze only: play the same maze every episode.
  public var mazeSeed: UInt64?
  public var goalReward: Double?
  public var lavaReward: Double?
  public var stepCost: Double?
  public var foodReward: Double?
  public var deathReward: Double?
  public var observation: ObservationSettings

  /// A named palette colour.
  public struct NamedColor: Sendable, Equatable {
    public var name: String
    public var color: RGBColor
    public init(name: String, color: RGBColor) {
      self.name = name
      self.color = color
    }
  }

  /// The definition of `game` with every default (what `game: NAME` alone decodes to).
  public static func defaults(for game: GameKind, name: String? = nil) -> EnvironmentDefinition {
    var raw = RawDefinition()
    raw.game = game.rawValue
    raw.name = name ?? game.rawValue
    // Defaults never fail validation.
    return (try? resolve(raw, file: "<defaults>")) ?? EnvironmentDefinition(unchecked: game)
  }

  init(unchecked game: GameKind) {
    name = game.rawValue
    description = game.summary
    self.game = game
    cellPixels = 1
    palette = []
    stickyActionProbability = 0
    observation = ObservationSettings()
  }

  /// The palette as colours in drawing order.
  public var resolvedPalette: Palette {
    let standard = Palette.standard(for: game)
    let lookup = Dictionary(palette.map { ($0.name, $0.color) }, uniquingKeysWith: { first, _ in first })
    return Palette(
      background: lookup["background"] ?? standard.background,
      channels: game.channelNames.enumerated().map { lookup[$0.element] ?? standard.channels[$0.offset] })
  }

  /// The shape of the frames `makeEnvironment()` hands out (before any frame stacking).
  public var frameShape: FrameShape {
    let gridRows: Int
    let gridColumns: Int
    if game.isMinAtar {
      (gridRows, gridColumns) = (10, 10)
    } else if game == .maze, let layout, let parsed = try? MazeLayout(text: layout) {
      (gridRows, gridColumns) = (parsed.height, parsed.width)
    } else {
      (gridRows, gridColumns) = (rows ?? 10, columns ?? 10)
    }
    let channels = observation.colorMode == .rgb ? 3 : 1
    if let resize = observation.resize {
      return FrameShape(height: resize.height, width: resize.width, channels: channels)
    }
    return FrameShape(height: gridRows * cellPixels, width: gridColumns * cellPixels, channels: channels)
  }

  /// The action names of the game.
  public var actionNames: [String] {
    switch game {
    case .catch: Catch.actionNames
    case .maze: Maze.actionNames
    case .snake: Snake.actionNames
    default: minAtarActionNames
    }
  }

  /// Makes the game's logic (no pixels) as this definition configures it.
  public func makeGame() throws(EnvironmentError) -> any GridGame {
    let ramping = difficultyRamping ?? true
    switch game {
    case .catch: return Catch(rows: rows ?? 10, columns: columns ?? 5)
    case .snake:
      return Snake(rows: rows ?? 10, columns: columns ?? 10, foodReward: Float(foodReward ?? 1),
                   deathReward: Float(deathReward ?? -1))
    case .maze:
      let goal = Float(goalReward ?? 1)
      let lava = Float(lavaReward ?? -1)
      let cost = Float(stepCost ?? 0.01)
      if let layout {
        do {
          return Maze(layout: try MazeLayout(text: layout), goalReward: goal, lavaReward: lava, stepCost: cost)
        } catch {
          throw .invalidLayout(file: name, problem: error)
        }
      }
      return Maze(randomRows: rows ?? 9, columns: columns ?? 9, mazeSeed: mazeSeed, goalReward: goal,
                  lavaReward: lava, stepCost: cost)
    case .breakout: return Breakout()
    case .freeway: return Freeway()
    case .asterix: return Asterix(ramping: ramping)
    case .seaquest: return Seaquest(ramping: ramping)
    case .spaceInvaders: return SpaceInvaders(ramping: ramping)
    }
  }

  /// Makes the environment: game, sticky actions, SDL rendering, grayscale/resize, frame skip
  /// with max-pooling, time limit and episode statistics. Frame stacking is left to the caller
  /// (`observation.frameStack`; the replay buffer stacks frames itself, or use `FrameStack`).
  ///
  /// - Throws: `EnvironmentError` for a bad layout or when SDL cannot create its surface.
  public func makeEnvironment() throws(EnvironmentError) -> GridEnvironment {
    try GridEnvironment(definition: self)
  }

  /// The fully resolved definition as YAML; decoding it gives back an equal definition.
  public func yaml() throws -> String {
    try YAMLEncoder().encode(self)
  }

  /// Decodes a definition from YAML text.
  ///
  /// - Parameters:
  ///   - file: the name used in error messages (and, without a `name:` key, the file's stem
  ///     becomes the name).
  /// - Throws: `EnvironmentError` naming the file, the key and what is allowed.
  public static func parse(yaml text: String, file: String) throws(EnvironmentError) -> EnvironmentDefinition {
    let node: Node?
    do {
      node = try Yams.compose(yaml: text)
    } catch {
      throw .malformedYAML(file: file, message: "\(error)".replacingOccurrences(of: "\n", with: " "))
    }
    guard let node, node.mapping != nil else {
      throw .malformedYAML(file: file, message: "the top level must be a mapping of keys to values (game: NAME, …)")
    }
    let decoder = YAMLDecoder()
    let stem = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
    do {
      var raw = try decoder.decode(RawDefinition.self, from: text)
      if raw.name == nil { raw.name = stem }
      return try resolve(raw, file: file)
    } catch let error as EnvironmentError {
      throw error
    } catch let error as DefinitionProblem {
      throw error.environmentError(file: file)
    } catch let error as DecodingError {
      if case .dataCorrupted(let context) = error, let problem = context.underlyingError as? DefinitionProblem {
        throw problem.environmentError(file: file)
      }
      throw decodingProblem(error, file: file)
    } catch {
      throw .malformedYAML(file: file, message: "\(error)")
    }
  }

  /// Reads and decodes the definition in `url`.
  public static func load(from url: URL) throws(EnvironmentError) -> EnvironmentDefinition {
    let text: String
    do {
      text = try String(contentsOf: url, encoding: .utf8)
    } catch {
      throw .unreadable(file: url.path, message: (error as NSError).localizedDescription)
    }
    return try parse(yaml: text, file: url.path)
  }

  /// Finds an environment: `NAME` → `searchDirectory/NAME.yaml` (else the built-in defaults of a
  /// game called NAME); a path (ending `.yaml`/`.yml` or containing `/`) → that file.
  ///
  /// - Throws: `EnvironmentError.notFound` listing what is available, or any decoding error.
  public static func resolve(_ nameOrPath: String, searchDirectory: URL) throws(EnvironmentError) -> EnvironmentDefinition {
    let isPath = nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml") || nameOrPath.contains("/")
    let fileManager = FileManager.default
    if isPath {
      let url = URL(fileURLWithPath: nameOrPath)
      guard fileManager.fileExists(atPath: url.path) else {
        throw .unreadable(file: nameOrPath, message: "no such file")
      }
      return try load(from: url)
    }
    let url = searchDirectory.appendingPathComponent(nameOrPath + ".yaml")
    if fileManager.fileExists(atPath: url.path) { return try load(from: url) }
    if let game = GameKind(rawValue: nameOrPath) { return defaults(for: game) }
    throw .notFound(
      name: nameOrPath, directory: searchDirectory.path,
      available: EnvironmentCatalog.names(in: searchDirectory))
  }

  private static func decodingProblem(_ error: DecodingError, file: String) -> EnvironmentError {
    func path(_ context: DecodingError.Context) -> String {
      context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
    switch error {
    case .typeMismatch(let type, let context):
      return .invalidValue(file: file, key: path(context), value: "of the wrong type", allowed: "\(type)")
    case .valueNotFound(let type, let context):
      return .invalidValue(file: file, key: path(context), value: "null", allowed: "\(type)")
    case .keyNotFound(let key, let context):
      let prefix = path(context)
      return .missingKey(file: file, key: prefix.isEmpty ? key.stringValue : prefix + "." + key.stringValue)
    case .dataCorrupted(let context):
      return .invalidValue(file: file, key: path(context), value: "that cannot be read", allowed: context.debugDescription)
    @unknown default:
      return .malformedYAML(file: file, message: "\(error)")
    }
  }
}
