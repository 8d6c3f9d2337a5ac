import FileIO
import Foundation

/// Reads and writes the safetensors format (https://github.com/huggingface/safetensors), the
/// format PyTorch users load with `safetensors.torch.load_file`.
///
/// Layout: an 8-byte little-endian header length `n`, `n` bytes of JSON mapping each name to
/// `{"dtype": "F32", "shape": […], "data_offsets": [begin, end]}` (plus an optional
/// `"__metadata__"` of strings), padded with spaces to a multiple of 8, then the raw little-endian data.
public enum SafeTensors {
  /// The bytes of a safetensors file holding `tensors` (data in name order) and `metadata`.
  ///
  /// - Precondition: no tensor is named `__metadata__`.
  public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) -> Data {
    let names = tensors.keys.sorted()
    var entries: [String: SafeTensorsHeader.Entry] = [:]
    var offset = 0
    for name in names {
      guard let tensor = tensors[name] else { continue }
      let end = offset + tensor.count * 4
      entries[name] = SafeTensorsHeader.Entry(dtype: "F32", shape: tensor.shape, dataOffsets: [offset, end])
      offset = end
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    var header: Data
    do {
      header = try encoder.encode(SafeTensorsHeader(entries: entries, metadata: metadata))
    } catch {
      preconditionFailure("a safetensors header of strings and integers always encodes: \(error)")
    }
    header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
    var data = Data(capacity: 8 + header.count + offset)
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(header)
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
    let start = data.startIndex
    let headerData = data.subdata(in: (start + 8)..<(start + 8 + Int(headerLength)))
    let header: SafeTensorsHeader
    do {
      header = try JSONDecoder().decode(SafeTensorsHeader.self, from: headerData)
    } catch let problem as SafeTensorsHeader.Problem {
      throw CheckpointError.malformed(file: file, detail: problem.detail)
    } catch {
      throw CheckpointError.malformed(file: file, detail: "the header is not a JSON object")
    }
    let body = data.subdata(in: (start + 8 + Int(headerLength))..<data.endIndex)
    var tensors: [String: Tensor] = [:]
    for (name, entry) in header.entries {
      guard entry.dtype == "F32" else {
        throw CheckpointError.malformed(file: file, detail: "entry '\(name)' has dtype \(entry.dtype); only F32 is supported")
      }
      let (shape, offsets) = (entry.shape, entry.dataOffsets)
      guard let count = elementCount(shape), offsets.count == 2, offsets[0] >= 0,
        offsets[1] >= offsets[0], offsets[1] - offsets[0] == count * 4
      else {
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
    return (tensors, header.metadata)
  }

  /// The number of elements of `shape`, or nil when a dimension is negative or the byte count
  /// (four per element) does not fit in an `Int`.
  private static func elementCount(_ shape: [Int]) -> Int? {
    var count = 1
    for dimension in shape {
      guard dimension >= 0 else { return nil }
      let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
      guard !overflow, product <= Int.max / 4 else { return nil }
      count = product
    }
    return count
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
}
