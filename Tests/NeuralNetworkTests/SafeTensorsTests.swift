import Foundation
import Testing

@testable import NeuralNetwork

@Suite struct SafeTensorsTests {
  @Test func bytesFollowTheFormat() throws {
    let data = SafeTensors.encode(
      ["b": Tensor(shape: [2], scalars: [1, -2]), "a.weight": Tensor(shape: [1, 1], scalars: [0.5])],
      metadata: ["preset": "mlp/v1"])
    // 8-byte little-endian header length, a multiple of 8.
    let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    #expect(length % 8 == 0)
    // Compact JSON with sorted keys, then spaces up to the length.
    let header = String(decoding: data.subdata(in: 8..<(8 + length)), as: UTF8.self)
    let expected = #"{"__metadata__":{"preset":"mlp/v1"},"#
      + #""a.weight":{"data_offsets":[0,4],"dtype":"F32","shape":[1,1]},"#
      + #""b":{"data_offsets":[4,12],"dtype":"F32","shape":[2]}}"#
    #expect(header.hasPrefix(expected))
    #expect(header.dropFirst(expected.count).allSatisfy { $0 == " " })
    #expect(header.count - expected.count < 8)
    let json = try #require(JSONSerialization.jsonObject(with: Data(header.utf8)) as? [String: [String: Any]])
    #expect(json["a.weight"]?["dtype"] as? String == "F32")
    #expect(json["a.weight"]?["shape"] as? [Int] == [1, 1])
    #expect(json["__metadata__"]?["preset"] as? String == "mlp/v1")
    // Raw little-endian float32 data in name order: 0.5, 1, −2.
    let body = [UInt8](data.suffix(from: 8 + length))
    #expect(body == [0x00, 0x00, 0x00, 0x3F, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
  }

  /// Other writers order the fields differently, add whitespace and pad however they like; a
  /// metadata object that is not all strings is ignored, as before.
  @Test func readsHeadersLaidOutByOtherWriters() throws {
    let header = """
      { "b" : {"shape": [2], "data_offsets": [4, 12], "dtype": "F32"},
        "__metadata__": {"format": "pt", "count": 3},
        "a.weight": {"dtype": "F32", "data_offsets": [0, 4], "shape": [1, 1]} }\n
      """
    var data = Data()
    withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(contentsOf: Array(header.utf8))
    data.append(contentsOf: [0x00, 0x00, 0x00, 0x3F, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
    let decoded = try SafeTensors.decode(data, file: "t")
    #expect(decoded.tensors == ["a.weight": Tensor(shape: [1, 1], scalars: [0.5]), "b": Tensor(shape: [2], scalars: [1, -2])])
    #expect(decoded.metadata == [:])
  }

  /// Headers that parse as JSON but not as tensor entries are refused with the entry's name.
  @Test func malformedEntriesNameTheEntry() {
    func file(_ header: String, body: Int = 8) -> Data {
      var data = Data()
      withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
      data.append(contentsOf: Array(header.utf8))
      data.append(contentsOf: [UInt8](repeating: 0, count: body))
      return data
    }
    let cases: [(String, String)] = [
      (#"{"x":{"dtype":"F32","shape":[2]}}"#, "entry 'x' lacks dtype, shape or data_offsets"),
      (#"{"x":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#, "entry 'x' has dtype F16; only F32 is supported"),
      (#"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, "entry 'x' offsets [0, 8] do not fit shape [3]"),
      (#"{"x":{"dtype":"F32","shape":[-2],"data_offsets":[0,-8]}}"#, "entry 'x' offsets [0, -8] do not fit shape [-2]"),
      (#"{"x":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#,
       "entry 'x' offsets [0, 8] do not fit shape [4611686018427387904, 4]"),
      (#"[1, 2]"#, "the header is not a JSON object"),
    ]
    for (header, detail) in cases {
      #expect(throws: CheckpointError.malformed(file: "t", detail: detail)) { try SafeTensors.decode(file(header), file: "t") }
    }
    #expect(throws: CheckpointError.truncated(file: "t", detail: "entry 'x' ends at byte 16 of 8")) {
      try SafeTensors.decode(file(#"{"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#), file: "t")
    }
  }

  @Test func roundTripsTensorsAndMetadata() throws {
    let tensors = ["x": Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])]
    let decoded = try SafeTensors.decode(SafeTensors.encode(tensors, metadata: ["preset": "mlp"]), file: "t")
    #expect(decoded.tensors == tensors)
    #expect(decoded.metadata == ["preset": "mlp"])
  }

  @Test func truncatedAndCorruptFilesThrow() {
    let data = SafeTensors.encode(["x": Tensor(shape: [4], repeating: 1)])
    #expect(throws: CheckpointError.self) { try SafeTensors.decode(data.prefix(data.count - 3), file: "t") }
    #expect(throws: CheckpointError.self) { try SafeTensors.decode(data.prefix(5), file: "t") }
    var corrupt = data
    corrupt[9] = UInt8(ascii: "#")
    #expect(throws: CheckpointError.self) { try SafeTensors.decode(corrupt, file: "t") }
  }

  @Test func loadingChecksNamesAndShapes() throws {
    let network = NetworkBenchmarks.minatarNetwork(seed: 1)
    var tensors = network.namedTensors
    tensors["fc2.bias"] = Tensor(shape: [7])
    #expect(throws: CheckpointError.shapeMismatch(name: "fc2.bias", expected: [6], found: [7], file: "f")) {
      try network.load(tensors, file: "f")
    }
    tensors["fc2.bias"] = nil
    #expect(throws: CheckpointError.missingTensor(name: "fc2.bias", file: "f")) { try network.load(tensors, file: "f") }
  }
}
