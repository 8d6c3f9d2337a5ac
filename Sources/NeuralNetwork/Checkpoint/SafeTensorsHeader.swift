/// The JSON header of a safetensors file: one entry per tensor, by name, plus the optional
/// `"__metadata__"` object of strings.
///
/// It is written with `JSONEncoder` (sorted keys, compact) and read with `JSONDecoder`; entries may
/// come in any order and with any whitespace, as other writers (PyTorch's `safetensors`) produce.
struct SafeTensorsHeader: Codable, Equatable {
  /// Where one tensor lies in the data that follows the header.
  struct Entry: Codable, Equatable {
    /// The element type; only `F32` is supported.
    var dtype: String
    var shape: [Int]
    /// `[begin, end)` byte offsets into the data after the header.
    var dataOffsets: [Int]

    enum CodingKeys: String, CodingKey {
      case dtype, shape
      case dataOffsets = "data_offsets"
    }
  }

  /// A header that decodes as JSON but not as safetensors entries; `detail` says what is wrong.
  struct Problem: Error {
    var detail: String
  }

  /// The key of the metadata object, which no tensor may have as its name.
  static let metadataKey = "__metadata__"

  var entries: [String: Entry]
  var metadata: [String: String]

  init(entries: [String: Entry], metadata: [String: String]) {
    precondition(entries[Self.metadataKey] == nil, "a tensor cannot be named \(Self.metadataKey)")
    self.entries = entries
    self.metadata = metadata
  }

  /// Any string is a key: the tensors' names and `__metadata__`.
  private struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: Key.self)
    var entries: [String: Entry] = [:]
    var metadata: [String: String] = [:]
    for key in container.allKeys {
      if key.stringValue == Self.metadataKey {
        // The format allows only strings here; anything else is ignored rather than refused.
        metadata = (try? container.decode([String: String].self, forKey: key)) ?? [:]
        continue
      }
      do {
        entries[key.stringValue] = try container.decode(Entry.self, forKey: key)
      } catch {
        throw Problem(detail: "entry '\(key.stringValue)' lacks dtype, shape or data_offsets")
      }
    }
    self.entries = entries
    self.metadata = metadata
  }

  func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: Key.self)
    if !metadata.isEmpty { try container.encode(metadata, forKey: Key(stringValue: Self.metadataKey)) }
    for (name, entry) in entries { try container.encode(entry, forKey: Key(stringValue: name)) }
  }
}
