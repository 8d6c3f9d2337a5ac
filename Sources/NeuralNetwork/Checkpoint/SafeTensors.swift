import FileIO
import Foundation

/// Reads and writes the safetensors format (https://github.com/huggingface/safetensors), the
/// format PyTorch users load with `safetensors.torch.load_file`.
///
/// Layout: an 8-byte little-endian header length `n`, `n` bytes of JSON mapping each name to
/// `{"dtype": "F32", "shape": […], "data_offsets": [begin, end]}` (plus an optional
/// `"__metadata__"` of strings), padded with spaces to a multiple of 8, then the raw little-endian data.
public enum SafeTensors {
  /// The bytes of a safetensors file holding `tensors` (sorted by name) and `metadata`.
  public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) -> Data {
    let names = tensors.keys.sorted()
    var entries: [String] = []
    if !metadata.isEmpty {
      let fields = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0] ?? ""))" }
      entries.append("\"__metadata__\":{\(fields.joined(separator: ","))}")
    }
    var offset = 0
    for name in names {
      guard let tensor = tensors[name] else { continue }
      let end = offset + tensor.count * 4
      let shape = tensor.shape.map(String.init).joined(separator: ",")
      entries.append(
        "\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
      offset = end
    }
    var header = Array("{\(entries.joined(separator: ","))}".utf8)
    while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
    var data = Data(capacity: 8 + header.count + offset)
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(contentsOf: header)
    for name in names {
      guard let tensor = tensors[name] else { continue }
      tensor.withUnsafeBufferPointer { buffer in
        for value in buffer {
          withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
      }
    }
    return data
  }

  /// Decodes a safetensors file's bytes; `file` names it in errors.
  public static func decode(_ data: Data, file: String) throws -> (
    tensors: [String: Tensor], metadata: [String: String]
  ) {
    guard data.count >= 8 else { throw CheckpointError.truncated(file: file, detail: "shorter than the 8-byte header length") }
    let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    guard headerLength <= UInt64(data.count - 8) else {
      throw CheckpointError.truncated(file: file, detail: "header length \(headerLength) exceeds the file")
    }
    let headerData = data.subdata(in: 8..<(8 + Int(headerLength)))
    guard let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
      throw CheckpointError.malformed(file: file, detail: "the header is not a JSON object")
    }
    let body = data.subdata(in: (8 + Int(headerLength))..<data.count)
    var tensors: [String: Tensor] = [:]
    var metadata: [String: String] = [:]
    for (name, value) in header {
      if name == "__metadata__" {
        metadata = (value as? [String: String]) ?? [:]
        continue
      }
      guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
        let shape = (entry["shape"] as? [NSNumber])?.map(\.intValue),
        let offsets = (entry["data_offsets"] as? [NSNumber])?.map(\.intValue), offsets.count == 2
      else { throw CheckpointError.malformed(file: file, detail: "entry '\(name)' lacks dtype, shape or data_offsets") }
      guard dtype == "F32" else { throw CheckpointError.malformed(file: file, detail: "entry '\(name)' has dtype \(dtype); only F32 is supported") }
      let count = shape.reduce(1, *)
      guard shape.allSatisfy({ $0 >= 0 }), offsets[0] >= 0, offsets[1] - offsets[0] == count * 4 else {
        throw CheckpointError.malformed(file: file, detail: "entry '\(name)' offsets \(offsets) do not fit shape \(shape)")
      }
      guard offsets[1] <= body.count else {
        throw CheckpointError.truncated(file: file, detail: "entry '\(name)' ends at byte \(offsets[1]) of \(body.count)")
      }
      var scalars = [Float](repeating: 0, count: count)
      body.withUnsafeBytes { raw in
        for index in 0..<count {
          let bits = raw.loadUnaligned(fromByteOffset: offsets[0] + index * 4, as: UInt32.self)
          scalars[index] = Float(bitPattern: UInt32(littleEndian: bits))
        }
      }
      tensors[name] = Tensor(shape: shape, scalars: scalars)
    }
    return (tensors, metadata)
  }

  /// Writes `tensors` to `url` atomically (a temporary file renamed into place).
  public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
    try AtomicFile.write(encode(tensors, metadata: metadata), to: url)
  }

  /// Reads the tensors and metadata of the safetensors file at `url`.
  public static func read(_ url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw CheckpointError.missing(file: url.path)
    }
    return try decode(data, file: url.path)
  }

  private static func jsonString(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      default:
        if scalar.value < 0x20 { result += String(format: "\\u%04x", scalar.value) } else { result.unicodeScalars.append(scalar) }
      }
    }
    return result + "\""
  }
}

/// A checkpoint or model file that cannot be used.
public enum CheckpointError: Error, CustomStringConvertible, LocalizedError, Equatable {
  case missing(file: String)
  case truncated(file: String, detail: String)
  case malformed(file: String, detail: String)
  case missingTensor(name: String, file: String)
  case unexpectedTensor(name: String, file: String)
  case shapeMismatch(name: String, expected: [Int], found: [Int], file: String)
  case unwritable(file: String, detail: String)

  public var description: String {
    switch self {
    case .missing(let file): return "\(file): file not found"
    case .truncated(let file, let detail): return "\(file): truncated safetensors file (\(detail))"
    case .malformed(let file, let detail): return "\(file): malformed safetensors file (\(detail))"
    case .missingTensor(let name, let file): return "\(file): has no tensor '\(name)' that the network needs"
    case .unexpectedTensor(let name, let file): return "\(file): holds tensor '\(name)' that the network does not have"
    case .shapeMismatch(let name, let expected, let found, let file):
      return "\(file): tensor '\(name)' has shape \(found) but the network expects \(expected)"
    case .unwritable(let file, let detail): return "cannot write \(file): \(detail)"
    }
  }

  public var errorDescription: String? { description }
}
