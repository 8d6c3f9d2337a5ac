import Foundation
import Testing

@testable import NeuralNetwork

@Suite struct SafeTensorsTests {
  @Test func bytesFollowTheFormat() throws {
    let data = SafeTensors.encode([
      "b": Tensor(shape: [2], scalars: [1, -2]),
      "a.weight": Tensor(shape: [1, 1], scalars: [0.5]),
    ])
    // 8-byte little-endian header length.
    let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    #expect(length % 8 == 0)
    let header = String(decoding: data.subdata(in: 8..<(8 + length)), as: UTF8.self)
    let json = try #require(JSONSerialization.jsonObject(with: Data(header.utf8)) as? [String: [String: Any]])
    #expect(json["a.weight"]?["dtype"] as? String == "F32")
    #expect(json["a.weight"]?["shape"] as? [Int] == [1, 1])
    #expect(json["a.weight"]?["data_offsets"] as? [Int] == [0, 4])
    #expect(json["b"]?["data_offsets"] as? [Int] == [4, 12])
    // Raw little-endian float32 data in key order: 0.5, 1, −2.
    let body = [UInt8](data.suffix(from: 8 + length))
    #expect(body == [0x00, 0x00, 0x00, 0x3F, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
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
