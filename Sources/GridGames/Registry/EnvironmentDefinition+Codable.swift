import Foundation

/// A coding key for any string, used to find unknown keys and to encode ordered mappings.
struct AnyCodingKey: CodingKey {
  var stringValue: String
  var intValue: Int? { nil }
  init(_ string: String) { stringValue = string }
  init?(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { nil }
}

/// A problem found while decoding, before the file name is known.
struct DefinitionProblem: Error {
  enum Kind {
    case unknownKey(allowed: [String])
    case invalidValue(value: String, allowed: String)
    case unknownGame(allowed: [String])
    case missingKey
    case layout(MazeLayoutError)
  }
  var key: String
  var kind: Kind

  func environmentError(file: String) -> EnvironmentError {
    switch kind {
    case .unknownKey(let allowed): .unknownKey(file: file, key: key, allowed: allowed)
    case .invalidValue(let value, let allowed): .invalidValue(file: file, key: key, value: value, allowed: allowed)
    case .unknownGame(let allowed): .unknownGame(file: file, game: key, allowed: allowed)
    case .missingKey: .missingKey(file: file, key: key)
    case .layout(let problem): .invalidLayout(file: file, problem: problem)
    }
  }
}

/// The file's keys as written, every one optional; unknown keys are rejected.
struct RawDefinition: Decodable {
  var name: String?
  var description: String?
  var game: String?
  var cellPixels: Int?
  var palette: [(name: String, hex: String)]?
  var stickyActionProbability: Double?
  var difficultyRamping: Bool?
  var rows: Int?
  var columns: Int?
  var layout: String?
  var mazeSeed: UInt64?
  var goalReward: Double?
  var lavaReward: Double?
  var stepCost: Double?
  var foodReward: Double?
  var deathReward: Double?
  var observation: RawObservation?
  var presentKeys: [String] = []

  static let commonKeys = ["name", "description", "game", "cellPixels", "palette", "stickyActionProbability", "observation"]

  static func allowedKeys(for game: GameKind?) -> [String] {
    guard let game else {
      return commonKeys + ["difficultyRamping", "rows", "columns", "layout", "mazeSeed", "goalReward", "lavaReward",
                           "stepCost", "foodReward", "deathReward"]
    }
    switch game {
    case .catch: return commonKeys + ["rows", "columns"]
    case .snake: return commonKeys + ["rows", "columns", "foodReward", "deathReward"]
    case .maze: return commonKeys + ["layout", "rows", "columns", "mazeSeed", "goalReward", "lavaReward", "stepCost"]
    default: return commonKeys + ["difficultyRamping"]
    }
  }

  init() {}

  init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: AnyCodingKey.self)
    presentKeys = container.allKeys.map(\.stringValue)
    func value<T: Decodable>(_ key: String, _ type: T.Type) throws -> T? {
      try container.decodeIfPresent(T.self, forKey: AnyCodingKey(key))
    }
    game = try value("game", String.self)
    let kind = game.flatMap(GameKind.init(rawValue:))
    if let game, kind == nil {
      throw DefinitionProblem(key: game, kind: .unknownGame(allowed: GameKind.allCases.map(\.rawValue)))
    }
    let allowed = Self.allowedKeys(for: kind)
    for key in presentKeys where !allowed.contains(key) {
      throw DefinitionProblem(key: key, kind: .unknownKey(allowed: allowed))
    }
    name = try value("name", String.self)
    description = try value("description", String.self)
    cellPixels = try value("cellPixels", Int.self)
    if container.contains(AnyCodingKey("palette")) {
      let colors = try container.nestedContainer(keyedBy: AnyCodingKey.self, forKey: AnyCodingKey("palette"))
      palette = try colors.allKeys.map { key in (key.stringValue, try colors.decode(String.self, forKey: key)) }
    }
    stickyActionProbability = try value("stickyActionProbability", Double.self)
    difficultyRamping = try value("difficultyRamping", Bool.self)
    rows = try value("rows", Int.self)
    columns = try value("columns", Int.self)
    layout = try value("layout", String.self)
    mazeSeed = try value("mazeSeed", UInt64.self)
    goalReward = try value("goalReward", Double.self)
    lavaReward = try value("lavaReward", Double.self)
    stepCost = try value("stepCost", Double.self)
    foodReward = try value("foodReward", Double.self)
    deathReward = try value("deathReward", Double.self)
    observation = try value("observation", RawObservation.self)
  }
}

struct RawObservation: Decodable {
  var colorMode: String?
  var resize: ObservationSettings.Size?
  var frameStack: Int?
  var frameSkip: Int?
  var maxEpisodeSteps: Int?
  var hasMaxEpisodeSteps = false

  init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: AnyCodingKey.self)
    for key in container.allKeys where !ObservationSettings.keys.contains(key.stringValue) {
      throw DefinitionProblem(key: "observation." + key.stringValue, kind: .unknownKey(allowed: ObservationSettings.keys))
    }
    colorMode = try container.decodeIfPresent(String.self, forKey: AnyCodingKey("colorMode"))
    if container.contains(AnyCodingKey("resize")), try !container.decodeNil(forKey: AnyCodingKey("resize")) {
      let size = try container.nestedContainer(keyedBy: AnyCodingKey.self, forKey: AnyCodingKey("resize"))
      for key in size.allKeys where !["height", "width"].contains(key.stringValue) {
        throw DefinitionProblem(key: "observation.resize." + key.stringValue, kind: .unknownKey(allowed: ["height", "width"]))
      }
      resize = ObservationSettings.Size(
        height: try size.decode(Int.self, forKey: AnyCodingKey("height")),
        width: try size.decode(Int.self, forKey: AnyCodingKey("width")))
    }
    frameStack = try container.decodeIfPresent(Int.self, forKey: AnyCodingKey("frameStack"))
    frameSkip = try container.decodeIfPresent(Int.self, forKey: AnyCodingKey("frameSkip"))
    maxEpisodeSteps = try container.decodeIfPresent(Int.self, forKey: AnyCodingKey("maxEpisodeSteps"))
  }
}

extension EnvironmentDefinition {
  /// Fills defaults and checks ranges.
  static func resolve(_ raw: RawDefinition, file: String) throws(DefinitionProblem) -> EnvironmentDefinition {
    func invalid(_ key: String, _ value: Any, _ allowed: String) -> DefinitionProblem {
      DefinitionProblem(key: key, kind: .invalidValue(value: "\(value)", allowed: allowed))
    }
    func check(_ key: String, _ value: Int?, _ range: ClosedRange<Int>) throws(DefinitionProblem) {
      if let value, !range.contains(value) { throw invalid(key, value, "\(range.lowerBound)...\(range.upperBound)") }
    }
    guard let gameName = raw.game else { throw DefinitionProblem(key: "game", kind: .missingKey) }
    guard let game = GameKind(rawValue: gameName) else {
      throw DefinitionProblem(key: gameName, kind: .unknownGame(allowed: GameKind.allCases.map(\.rawValue)))
    }
    var definition = EnvironmentDefinition(unchecked: game)
    definition.name = raw.name ?? game.rawValue
    definition.description = raw.description ?? game.summary
    try check("cellPixels", raw.cellPixels, 1...64)
    definition.cellPixels = raw.cellPixels ?? 1
    let sticky = raw.stickyActionProbability ?? (game.isMinAtar ? 0.1 : 0)
    guard sticky >= 0 && sticky <= 1 else { throw invalid("stickyActionProbability", sticky, "0...1") }
    definition.stickyActionProbability = sticky

    // Palette: known names only, each a #rrggbb colour.
    let allowedNames = ["background"] + game.channelNames
    var overrides: [String: RGBColor] = [:]
    for (name, hex) in raw.palette ?? [] {
      guard allowedNames.contains(name) else {
        throw DefinitionProblem(key: "palette." + name, kind: .unknownKey(allowed: allowedNames))
      }
      guard let color = RGBColor(hex: hex) else { throw invalid("palette." + name, "'\(hex)'", "a colour \"#rrggbb\"") }
      overrides[name] = color
    }
    let standard = Palette.standard(for: game)
    definition.palette = zip(allowedNames, [standard.background] + standard.channels).map {
      NamedColor(name: $0.0, color: overrides[$0.0] ?? $0.1)
    }

    var observation = ObservationSettings()
    switch game {
    case .catch:
      try check("rows", raw.rows, 2...100)
      try check("columns", raw.columns, 1...100)
      definition.rows = raw.rows ?? 10
      definition.columns = raw.columns ?? 5
    case .snake:
      try check("rows", raw.rows, 3...100)
      try check("columns", raw.columns, 4...100)
      definition.rows = raw.rows ?? 10
      definition.columns = raw.columns ?? 10
      definition.foodReward = raw.foodReward ?? 1
      definition.deathReward = raw.deathReward ?? -1
      observation.maxEpisodeSteps = 1000
    case .maze:
      definition.goalReward = raw.goalReward ?? 1
      definition.lavaReward = raw.lavaReward ?? -1
      definition.stepCost = raw.stepCost ?? 0.01
      observation.maxEpisodeSteps = 100
      if let layout = raw.layout {
        if raw.rows != nil || raw.columns != nil || raw.mazeSeed != nil {
          throw invalid(raw.rows != nil ? "rows" : (raw.columns != nil ? "columns" : "mazeSeed"), "given with a layout",
                        "either 'layout' or a random maze with 'rows', 'columns' and optional 'mazeSeed'")
        }
        do {
          let parsed = try MazeLayout(text: layout)
          if parsed.height > 100 || parsed.width > 100 { throw invalid("layout", "\(parsed.height)×\(parsed.width)", "at most 100×100 cells") }
        } catch let problem as MazeLayoutError {
          throw DefinitionProblem(key: "layout", kind: .layout(problem))
        } catch let problem as DefinitionProblem {
          throw problem
        } catch {
          throw invalid("layout", "?", "a maze layout")
        }
        definition.layout = layout
      } else if raw.rows != nil || raw.columns != nil {
        for (key, value) in [("rows", raw.rows), ("columns", raw.columns)] {
          guard let value else { throw DefinitionProblem(key: key, kind: .missingKey) }
          guard value >= 5 && value <= 99 && value % 2 == 1 else { throw invalid(key, value, "an odd number in 5...99") }
        }
        definition.rows = raw.rows
        definition.columns = raw.columns
        definition.mazeSeed = raw.mazeSeed
      } else {
        if raw.mazeSeed != nil { throw invalid("mazeSeed", "given without rows and columns", "a random maze's seed") }
        definition.layout = Self.defaultMazeLayout
      }
    default:
      definition.difficultyRamping = raw.difficultyRamping ?? true
      observation.frameStack = 4
    }

    if let rawObservation = raw.observation {
      if let mode = rawObservation.colorMode {
        guard let parsed = ObservationSettings.ColorMode(rawValue: mode) else {
          throw invalid("observation.colorMode", "'\(mode)'", "grayscale, rgb")
        }
        observation.colorMode = parsed
      }
      if let resize = rawObservation.resize {
        try check("observation.resize.height", resize.height, 1...1024)
        try check("observation.resize.width", resize.width, 1...1024)
        observation.resize = resize
      }
      try check("observation.frameStack", rawObservation.frameStack, 1...64)
      try check("observation.frameSkip", rawObservation.frameSkip, 1...64)
      try check("observation.maxEpisodeSteps", rawObservation.maxEpisodeSteps, 1...100_000_000)
      observation.frameStack = rawObservation.frameStack ?? observation.frameStack
      observation.frameSkip = rawObservation.frameSkip ?? observation.frameSkip
      if let limit = rawObservation.maxEpisodeSteps { observation.maxEpisodeSteps = limit }
    }
    definition.observation = observation
    let shape = definition.frameShape
    if shape.height > 4096 || shape.width > 4096 {
      throw invalid("cellPixels", definition.cellPixels, "a value that keeps frames within 4096×4096 pixels")
    }
    return definition
  }

  static let defaultMazeLayout = """
    #######
    #S....#
    #.###.#
    #...#.#
    ###.#.#
    #....G#
    #######
    """

  public init(from decoder: Decoder) throws {
    let raw = try RawDefinition(from: decoder)
    self = try Self.resolve(raw, file: "<yaml>")
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: AnyCodingKey.self)
    func put<T: Encodable>(_ key: String, _ value: T?) throws {
      if let value { try container.encode(value, forKey: AnyCodingKey(key)) }
    }
    try put("name", name)
    try put("description", description)
    try put("game", game.rawValue)
    try put("cellPixels", cellPixels)
    var colors = container.nestedContainer(keyedBy: AnyCodingKey.self, forKey: AnyCodingKey("palette"))
    for entry in palette { try colors.encode(entry.color.hex, forKey: AnyCodingKey(entry.name)) }
    try put("stickyActionProbability", stickyActionProbability)
    try put("difficultyRamping", difficultyRamping)
    try put("rows", rows)
    try put("columns", columns)
    try put("layout", layout)
    try put("mazeSeed", mazeSeed)
    try put("goalReward", goalReward)
    try put("lavaReward", lavaReward)
    try put("stepCost", stepCost)
    try put("foodReward", foodReward)
    try put("deathReward", deathReward)
    var settings = container.nestedContainer(keyedBy: AnyCodingKey.self, forKey: AnyCodingKey("observation"))
    try settings.encode(observation.colorMode.rawValue, forKey: AnyCodingKey("colorMode"))
    if let resize = observation.resize { try settings.encode(resize, forKey: AnyCodingKey("resize")) }
    try settings.encode(observation.frameStack, forKey: AnyCodingKey("frameStack"))
    try settings.encode(observation.frameSkip, forKey: AnyCodingKey("frameSkip"))
    if let limit = observation.maxEpisodeSteps { try settings.encode(limit, forKey: AnyCodingKey("maxEpisodeSteps")) }
  }
}
