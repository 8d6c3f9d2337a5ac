import Foundation

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

  init(key: String, kind: Kind) {
    self.key = key
    self.kind = kind
  }

  /// The problem `error` describes, if it is one a definition or a game's parameters throw.
  init?(_ error: any Error) {
    switch error {
    case let problem as DefinitionProblem: self = problem
    case ParameterError.invalidValue(let key, let value, let allowed): self.init(key: key, kind: .invalidValue(value: value, allowed: allowed))
    case ParameterError.missingKey(let key): self.init(key: key, kind: .missingKey)
    case let problem as MazeLayoutError: self.init(key: "layout", kind: .layout(problem))
    default: return nil
    }
  }

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

/// The file's keys as written: the game, its parameters (read by the game), and the keys every
/// game has, each optional; unknown keys are rejected.
struct RawDefinition: Decodable {
  var game: any GridGame.Type
  var parameters: any GameParameters
  var name: String?
  var description: String?
  var cellPixels: Int?
  var palette: [(name: String, hex: String)]?
  var stickyActionProbability: Double?
  var observation: RawObservation?

  init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: AnyCodingKey.self)
    func value<T: Decodable>(_ key: String, _ type: T.Type) throws -> T? {
      try container.decodeGiven(T.self, forKey: key)
    }
    guard let gameName = try value("game", String.self) else { throw DefinitionProblem(key: "game", kind: .missingKey) }
    guard let game = GameRegistry.game(named: gameName) else {
      throw DefinitionProblem(key: gameName, kind: .unknownGame(allowed: GameRegistry.names))
    }
    self.game = game
    let allowed = GameRegistry.commonKeys + game.parameterKeys
    for key in container.allKeys.map(\.stringValue) where !allowed.contains(key) {
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
    observation = try value("observation", RawObservation.self)
    parameters = try game.decodeParameters(from: decoder)
  }
}

struct RawObservation: Decodable {
  var colorMode: String?
  var resize: ObservationSettings.Size?
  var frameStack: Int?
  var frameSkip: Int?
  var maxEpisodeSteps: Int?

  init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: AnyCodingKey.self)
    for key in container.allKeys where !ObservationSettings.keys.contains(key.stringValue) {
      throw DefinitionProblem(key: "observation." + key.stringValue, kind: .unknownKey(allowed: ObservationSettings.keys))
    }
    colorMode = try container.decodeGiven(String.self, forKey: "colorMode")
    if container.contains(AnyCodingKey("resize")), try !container.decodeNil(forKey: AnyCodingKey("resize")) {
      let size = try container.nestedContainer(keyedBy: AnyCodingKey.self, forKey: AnyCodingKey("resize"))
      for key in size.allKeys where !["height", "width"].contains(key.stringValue) {
        throw DefinitionProblem(key: "observation.resize." + key.stringValue, kind: .unknownKey(allowed: ["height", "width"]))
      }
      resize = ObservationSettings.Size(
        height: try size.decode(Int.self, forKey: AnyCodingKey("height")),
        width: try size.decode(Int.self, forKey: AnyCodingKey("width")))
    }
    frameStack = try container.decodeGiven(Int.self, forKey: "frameStack")
    frameSkip = try container.decodeGiven(Int.self, forKey: "frameSkip")
    maxEpisodeSteps = try container.decodeGiven(Int.self, forKey: "maxEpisodeSteps")
  }
}

extension EnvironmentDefinition {
  /// Fills the defaults of the keys every game has (the game filled its own) and checks ranges.
  ///
  /// - Parameter stem: the name when the file gives none (nil: the game's name).
  static func resolve(_ raw: RawDefinition, stem: String?) throws(DefinitionProblem) -> EnvironmentDefinition {
    func invalid(_ key: String, _ value: Any, _ allowed: String) -> DefinitionProblem {
      DefinitionProblem(key: key, kind: .invalidValue(value: "\(value)", allowed: allowed))
    }
    func check(_ key: String, _ value: Int?, _ range: ClosedRange<Int>) throws(DefinitionProblem) {
      if let value, !range.contains(value) { throw invalid(key, value, "\(range.lowerBound)...\(range.upperBound)") }
    }
    let game = raw.game
    var definition = EnvironmentDefinition.defaults(for: game, name: raw.name ?? stem ?? game.name)
    definition.parameters = raw.parameters
    definition.description = raw.description ?? game.summary
    try check("cellPixels", raw.cellPixels, 1...64)
    definition.cellPixels = raw.cellPixels ?? 1
    let sticky = raw.stickyActionProbability ?? game.defaultStickyActionProbability
    guard sticky >= 0 && sticky <= 1 else { throw invalid("stickyActionProbability", sticky, "0...1") }
    definition.stickyActionProbability = sticky

    // Palette: known names only, each a #rrggbb colour.
    let allowedNames = definition.palette.map(\.name)
    for (name, hex) in raw.palette ?? [] {
      guard let index = allowedNames.firstIndex(of: name) else {
        throw DefinitionProblem(key: "palette." + name, kind: .unknownKey(allowed: allowedNames))
      }
      guard let color = RGBColor(hex: hex) else { throw invalid("palette." + name, "'\(hex)'", "a colour \"#rrggbb\"") }
      definition.palette[index].color = color
    }

    if let rawObservation = raw.observation {
      var observation = definition.observation
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
      definition.observation = observation
    }
    let shape = definition.frameShape
    if shape.height > 4096 || shape.width > 4096 {
      throw invalid("cellPixels", definition.cellPixels, "a value that keeps frames within 4096×4096 pixels")
    }
    return definition
  }

  public init(from decoder: Decoder) throws {
    self = try Self.resolve(try RawDefinition(from: decoder), stem: nil)
  }

  /// Writes the keys every game has, then the game's parameters, then `observation`.
  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: AnyCodingKey.self)
    try container.encode(name, forKey: AnyCodingKey("name"))
    try container.encode(description, forKey: AnyCodingKey("description"))
    try container.encode(game.name, forKey: AnyCodingKey("game"))
    try container.encode(cellPixels, forKey: AnyCodingKey("cellPixels"))
    try container.encode(PaletteEntries(entries: palette), forKey: AnyCodingKey("palette"))
    try container.encode(stickyActionProbability, forKey: AnyCodingKey("stickyActionProbability"))
    try parameters.encode(to: encoder)
    var settings = container.nestedContainer(keyedBy: AnyCodingKey.self, forKey: AnyCodingKey("observation"))
    try settings.encode(observation.colorMode.rawValue, forKey: AnyCodingKey("colorMode"))
    if let resize = observation.resize { try settings.encode(resize, forKey: AnyCodingKey("resize")) }
    try settings.encode(observation.frameStack, forKey: AnyCodingKey("frameStack"))
    try settings.encode(observation.frameSkip, forKey: AnyCodingKey("frameSkip"))
    if let limit = observation.maxEpisodeSteps { try settings.encode(limit, forKey: AnyCodingKey("maxEpisodeSteps")) }
  }
}

/// The palette as a mapping in channel order (encoded whole, so it stays where it is written).
private struct PaletteEntries: Encodable {
  var entries: [EnvironmentDefinition.NamedColor]

  func encode(to encoder: Encoder) throws {
    var colors = encoder.container(keyedBy: AnyCodingKey.self)
    for entry in entries { try colors.encode(entry.color.hex, forKey: AnyCodingKey(entry.name)) }
  }
}
