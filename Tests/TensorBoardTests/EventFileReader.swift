import Foundation
import TensorBoard

/// Reads event files back, for the tests: TFRecord framing with both CRCs checked, then each
/// `Event` decoded from the protobuf wire format (only the fields `dqn` writes).
struct EventFileReader {
  struct DecodedEvent: Equatable {
    var wallTime: Double = 0
    var step: Int64 = 0
    var fileVersion: String?
    var scalars: [String: Float] = [:]
    var images: [String: (height: Int, width: Int, png: [UInt8])] = [:]
    var texts: [String: String] = [:]

    static func == (a: DecodedEvent, b: DecodedEvent) -> Bool {
      a.wallTime == b.wallTime && a.step == b.step && a.fileVersion == b.fileVersion && a.scalars == b.scalars
        && a.texts == b.texts && a.images.keys.sorted() == b.images.keys.sorted()
    }
  }

  struct Malformed: Error, CustomStringConvertible {
    var description: String
  }

  static func read(_ url: URL) throws -> [DecodedEvent] {
    let bytes = [UInt8](try Data(contentsOf: url))
    return try TFRecord.records(in: bytes).map(decodeEvent)
  }

  static func decodeEvent(_ bytes: [UInt8]) throws -> DecodedEvent {
    var event = DecodedEvent()
    for field in try fields(bytes) {
      switch (field.number, field.value) {
      case (1, .fixed64(let bits)): event.wallTime = Double(bitPattern: bits)
      case (2, .varint(let value)): event.step = Int64(bitPattern: value)
      case (3, .bytes(let text)): event.fileVersion = String(decoding: text, as: UTF8.self)
      case (5, .bytes(let summary)):
        for value in try fields(summary) where value.number == 1 {
          guard case .bytes(let valueBytes) = value.value else { throw Malformed(description: "Summary.value") }
          try decodeValue(valueBytes, into: &event)
        }
      default: break
      }
    }
    return event
  }

  private static func decodeValue(_ bytes: [UInt8], into event: inout DecodedEvent) throws {
    var tag = ""
    var scalar: Float?
    var image: (Int, Int, [UInt8])?
    var text: String?
    for field in try fields(bytes) {
      switch (field.number, field.value) {
      case (1, .bytes(let value)): tag = String(decoding: value, as: UTF8.self)
      case (2, .fixed32(let bits)): scalar = Float(bitPattern: bits)
      case (4, .bytes(let value)):
        var height = 0, width = 0, png: [UInt8] = []
        for part in try fields(value) {
          switch (part.number, part.value) {
          case (1, .varint(let v)): height = Int(v)
          case (2, .varint(let v)): width = Int(v)
          case (4, .bytes(let v)): png = v
          default: break
          }
        }
        image = (height, width, png)
      case (8, .bytes(let tensor)):
        for part in try fields(tensor) where part.number == 8 {
          if case .bytes(let v) = part.value { text = String(decoding: v, as: UTF8.self) }
        }
      default: break
      }
    }
    if let scalar { event.scalars[tag] = scalar }
    if let image { event.images[tag] = (image.0, image.1, image.2) }
    if let text { event.texts[tag] = text }
  }

  enum WireValue {
    case varint(UInt64), fixed64(UInt64), fixed32(UInt32), bytes([UInt8])
  }

  static func fields(_ bytes: [UInt8]) throws -> [(number: Int, value: WireValue)] {
    var result: [(Int, WireValue)] = []
    var offset = 0
    func varint() throws -> UInt64 {
      var value: UInt64 = 0
      var shift: UInt64 = 0
      while true {
        guard offset < bytes.count, shift < 64 else { throw Malformed(description: "varint cut short") }
        let byte = bytes[offset]
        offset += 1
        value |= UInt64(byte & 0x7F) << shift
        if byte < 0x80 { return value }
        shift += 7
      }
    }
    func take(_ count: Int) throws -> [UInt8] {
      guard count >= 0, bytes.count - offset >= count else { throw Malformed(description: "field cut short") }
      defer { offset += count }
      return Array(bytes[offset..<offset + count])
    }
    while offset < bytes.count {
      let key = try varint()
      let number = Int(key >> 3)
      switch key & 7 {
      case 0: result.append((number, .varint(try varint())))
      case 1: result.append((number, .fixed64(try take(8).reversed().reduce(0) { $0 << 8 | UInt64($1) })))
      case 2: result.append((number, .bytes(try take(Int(try varint())))))
      case 5: result.append((number, .fixed32(try take(4).reversed().reduce(0) { $0 << 8 | UInt32($1) })))
      default: throw Malformed(description: "wire type \(key & 7)")
      }
    }
    return result
  }
}
