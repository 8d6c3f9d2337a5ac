import Foundation
import Yams

/// An environment as an `Environments/NAME.yaml` file describes it: the game, its parameters,
/// its colours and the observation pipeline. Decoded definitions are fully resolved: every
/// parameter the game uses holds a value (defaults filled in), so `yaml()` writes them all.
///
/// A file may name only the game (`game: breakout`) and take every default. Keys:
/// - every game: `name`, `description`, `game` (a name in `GameRegistry`), `cellPixels` (1…64),
///   `palette` (`background` and channel names → `"#rrggbb"`), `stickyActionProbability` (0…1),
///   `observation` (`colorMode` grayscale|rgb, `resize` {height, width}, `frameStack`,
///   `frameSkip`, `maxEpisodeSteps`);
/// - the game's own parameters, as flat keys next to these (`GridGame.Parameters`: `rows`,
///   `layout`, `difficultyRamping`, …).
public struct EnvironmentDefinition: Codable, Sendable, Equatable {
  public var name: String
  public var description: String
  /// The game (its type); `game.name` is what the file's `game:` says.
  public let game: any GridGame.Type
  public var cellPixels: Int
  /// Colours by name: `background`, then one per channel, in channel order.
  public var palette: [NamedColor]
  public var stickyActionProbability: Double
  /// The game's parameters.
  ///
  /// - Precondition (when set): a `game.Parameters`.
  public var parameters: any GameParameters {
    didSet {
      precondition(type(of: parameters) == type(of: game.defaultParameters),
                   "\(game.name) takes \(type(of: game.defaultParameters)), got \(type(of: parameters))")
    }
  }
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
  public static func defaults(for game: any GridGame.Type, name: String? = nil) -> EnvironmentDefinition {
    EnvironmentDefinition(
      name: name ?? game.name, description: game.summary, game: game, cellPixels: 1,
      palette: zip(["background"] + game.channelNames, [game.palette.background] + game.palette.channels).map {
        NamedColor(name: $0.0, color: $0.1)
      },
      stickyActionProbability: game.defaultStickyActionProbability, parameters: game.defaultParameters,
      observation: game.defaultObservation)
  }

  init(name: String, description: String, game: any GridGame.Type, cellPixels: Int, palette: [NamedColor],
       stickyActionProbability: Double, parameters: any GameParameters, observation: ObservationSettings) {
    self.name = name
    self.description = description
    self.game = game
    self.cellPixels = cellPixels
    self.palette = palette
    self.stickyActionProbability = stickyActionProbability
    self.parameters = parameters
    self.observation = observation
  }

  public static func == (lhs: EnvironmentDefinition, rhs: EnvironmentDefinition) -> Bool {
    lhs.name == rhs.name && lhs.description == rhs.description && ObjectIdentifier(lhs.game) == ObjectIdentifier(rhs.game)
      && lhs.cellPixels == rhs.cellPixels && lhs.palette == rhs.palette
      && lhs.stickyActionProbability == rhs.stickyActionProbability && lhs.parameters.isEqual(to: rhs.parameters)
      && lhs.observation == rhs.observation
  }

  /// The palette as colours in drawing order.
  public var resolvedPalette: Palette {
    let standard = game.palette
    let lookup = Dictionary(palette.map { ($0.name, $0.color) }, uniquingKeysWith: { first, _ in first })
    return Palette(
      background: lookup["background"] ?? standard.background,
      channels: game.channelNames.enumerated().map { lookup[$0.element] ?? standard.channels[$0.offset] })
  }

  /// The shape of the frames `makeEnvironment()` hands out (before any frame stacking).
  public var frameShape: FrameShape {
    let grid = game.gridSize(forAny: parameters)
    let channels = observation.colorMode == .rgb ? 3 : 1
    if let resize = observation.resize {
      return FrameShape(height: resize.height, width: resize.width, channels: channels)
    }
    return FrameShape(height: grid.rows * cellPixels, width: grid.columns * cellPixels, channels: channels)
  }

  /// The action names of the game.
  public var actionNames: [String] { game.actionNames }

  /// Makes the game's logic (no pixels) as this definition configures it.
  public func makeGame() -> any GridGame {
    game.make(withAny: parameters)
  }

  /// Makes the environment: game, sticky actions, SDL rendering, grayscale/resize, frame skip
  /// with max-pooling, time limit and episode statistics. Frame stacking is left to the caller
  /// (`observation.frameStack`: the agent stacks frames itself, see DQN's `ObservationStack`).
  ///
  /// - Throws: `EnvironmentError` when SDL cannot create its surface.
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
      return try resolve(try decoder.decode(RawDefinition.self, from: text), stem: stem)
    } catch let error as EnvironmentError {
      throw error
    } catch let error as DecodingError {
      if case .dataCorrupted(let context) = error, let problem = context.underlyingError.flatMap(DefinitionProblem.init) {
        throw problem.environmentError(file: file)
      }
      throw decodingProblem(error, file: file, root: node)
    } catch {
      if let problem = DefinitionProblem(error) { throw problem.environmentError(file: file) }
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
    if let game = GameRegistry.game(named: nameOrPath) { return defaults(for: game) }
    throw .notFound(
      name: nameOrPath, directory: searchDirectory.path,
      available: EnvironmentCatalog.names(in: searchDirectory))
  }

  private static func decodingProblem(_ error: DecodingError, file: String, root: Node) -> EnvironmentError {
    func path(_ context: DecodingError.Context) -> String {
      context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
    /// The text the file gives at the error's path, quoted ("empty" for none).
    func found(_ context: DecodingError.Context) -> String {
      var node: Node? = root
      for key in context.codingPath {
        if let index = key.intValue, let sequence = node?.sequence {
          node = index < sequence.count ? sequence[index] : nil
        } else {
          node = node?.mapping?[key.stringValue]
        }
      }
      guard let node else { return "empty" }
      if let scalar = node.scalar { return scalar.string.isEmpty ? "empty" : "'\(scalar.string)'" }
      return node.mapping != nil ? "a mapping" : "a list"
    }
    func expected(_ type: Any.Type) -> String {
      switch type {
      case is Int.Type, is UInt64.Type, is Int32.Type: "an integer"
      case is Double.Type, is Float.Type: "a number"
      case is String.Type: "a string"
      case is Bool.Type: "true or false"
      case is Node.Scalar.Type: "a single value"
      default: "\(type)"
      }
    }
    switch error {
    case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
      return .wrongType(file: file, key: path(context), expected: expected(type), found: found(context))
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
