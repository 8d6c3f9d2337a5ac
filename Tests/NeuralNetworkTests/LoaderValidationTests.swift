import Foundation
import Testing

@testable import NeuralNetwork

/// Damaged and extreme files give errors naming the file and the field, never a trap: each case
/// here trapped (overflow, precondition, allocation) or was silently accepted before the checks.
@Suite struct LoaderValidationTests {
  static func safetensors(_ header: String, body: Int = 8) -> Data {
    var data = Data()
    withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(contentsOf: Array(header.utf8))
    data.append(contentsOf: [UInt8](repeating: 0, count: body))
    return data
  }

  @Test func safetensorsHeadersThatOverflowOrPointPastTheFileAreRefused() {
    let headers = [
      // Offsets at the edge of Int: the size fits the shape, the file does not hold it.
      #"{"x":{"dtype":"F32","shape":[2305843009213693951],"data_offsets":[0,9223372036854775804]}}"#,
      // A begin offset near Int.max (an end computed by adding would overflow).
      #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[9223372036854775806,9223372036854775807]}}"#,
      // Offsets beyond Int, shapes whose product overflows, negative and fractional values.
      #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,1e30]}}"#,
      #"{"x":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}"#,
      #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}"#,
      #"{"x":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#,
      #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}"#,
      #"{"x":{"dtype":7,"shape":[1],"data_offsets":[0,4]}}"#,
    ]
    for header in headers {
      #expect(throws: CheckpointError.self, "\(header)") { try SafeTensors.decode(Self.safetensors(header), file: "w.safetensors") }
    }
    // A header length beyond the file, up to 2⁶⁴ − 1.
    for length in [UInt64(16), UInt64(Int64.max), UInt64.max] {
      var data = Data()
      withUnsafeBytes(of: length.littleEndian) { data.append(contentsOf: $0) }
      data.append(contentsOf: Array("{}      ".utf8))
      #expect(throws: CheckpointError.self) { try SafeTensors.decode(data, file: "w.safetensors") }
    }
  }

  @Test func everyBitFlipOrCutOfASafetensorsFileThrowsOrDecodes() {
    let data = SafeTensors.encode(["fc1.weight": Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), "fc1.bias": Tensor(shape: [2], repeating: 0)])
    for position in data.indices {
      for bit in [0, 3, 7] {
        var flipped = data
        flipped[position] ^= 1 << UInt8(bit)
        _ = try? SafeTensors.decode(flipped, file: "w.safetensors")  // must return, not trap
      }
    }
    for length in 0..<data.count {
      #expect(throws: CheckpointError.self) { try SafeTensors.decode(data.prefix(length), file: "w.safetensors") }
    }
  }

  @Test func nonFiniteWeightsAreRefusedAtLoadTime() throws {
    var rng = SplitMix64(seed: 1)
    let network = Sequential([Dense(inputSize: 2, outputSize: 2, name: "fc1", using: &rng)])
    let before = network.namedTensors
    for bad in [Float.nan, .infinity, -.infinity] {
      var tensors = before
      tensors["fc1.weight"] = Tensor(shape: [2, 2], scalars: [0, 1, bad, 3])
      #expect { try network.load(tensors, file: "w.safetensors") } throws: { error in
        guard case CheckpointError.nonFinite("fc1.weight", 2, let value, "w.safetensors") = error else { return false }
        return value.isNaN ? bad.isNaN : value == bad
      }
    }
    #expect(network.namedTensors == before)
    #expect(CheckpointError.nonFinite(name: "fc1.weight", index: 2, value: .nan, file: "w.safetensors").description
      == "w.safetensors: tensor 'fc1.weight' holds nan at element 2 (weights must be finite numbers)")
  }

  @Test func optimizerStateWithNonFiniteOrImpossibleValuesIsRefused() {
    var adam = Adam(learningRate: 0.01)
    for step: Float in [.nan, .infinity, -1, 1.5, 1e30] {
      #expect(throws: OptimizerError.self, "step \(step)") { try adam.restore(["step": Tensor(shape: [1], scalars: [step])]) }
    }
    #expect(throws: OptimizerError.self) {
      try adam.restore(["fc1.weight.m": Tensor(shape: [1], scalars: [.nan]), "fc1.weight.v": Tensor(shape: [1], scalars: [0])])
    }
  }

  static func csv(_ text: String, classes: Int = 10) throws -> (images: Tensor, labels: [Int]) {
    try CSVReader.decode(Data(text.utf8), file: "d.csv", height: 2, width: 2, maximum: 16, classes: classes)
  }

  @Test func csvLabelsAndValuesMustBeFiniteAndInRange() throws {
    let cases: [(String, String)] = [
      ("0,1,2,3,1e300\n", "label '1e300' is not a whole number in 0..<10"),
      ("0,1,2,3,nan\n", "label 'nan' is not a whole number"),
      ("0,1,2,3,inf\n", "label 'inf' is not a whole number"),
      ("0,1,2,3,-inf\n", "label '-inf' is not a whole number"),
      ("0,1,2,3,2.5\n", "label '2.5' is not a whole number"),
      ("0,1,2,3,99999999999999999999\n", "label '99999999999999999999' is not a whole number"),
      ("0,1,2,3,12\n", "label 12 of sample 0 is outside 0..<10"),
      ("0,1,2,3,-1\n", "label -1 of sample 0 is outside 0..<10"),
      ("0,nan,2,3,1\n", "line 1: 'nan' is not a finite number"),
      ("0,1e39,2,3,1\n", "line 1: '1e39' is not a finite number"),
      (",,,,\n", "line 1: '' is not a finite number"),
      (",\n0,1,2,3,1\n", "line 1 has 2 fields, expected 5"),
      ("0,1,,3,1\n", "line 1: '' is not a finite number"),
      ("", "no samples"),
      ("\n\n# only comments\n", "no samples"),
      ("p0,p1,p2,p3,label\n", "no samples"),
    ]
    for (text, detail) in cases {
      #expect(throws: DataError.self, "\(text)") { try Self.csv(text) }
      do {
        _ = try Self.csv(text)
      } catch {
        #expect("\(error)".contains(detail) && "\(error)".contains("d.csv"), "\(text.debugDescription): \(error)")
      }
    }
    // An empty first line is skipped, whole floats are labels.
    let good = try Self.csv("\n0,1,2,3,7.0\n16,16,16,16,0\n")
    #expect(good.labels == [7, 0] && good.images.shape == [2, 1, 2, 2])
  }

  static func idx(magic: UInt32, _ counts: [UInt32], body: [UInt8]) -> Data {
    var bytes: [UInt8] = []
    for value in [magic] + counts { bytes += [UInt8(value >> 24), UInt8(value >> 16 & 255), UInt8(value >> 8 & 255), UInt8(value & 255)] }
    return Data(bytes + body)
  }

  @Test func idxCountsAndSizesAreCheckedAgainstTheFile() {
    let cases: [(Data, String)] = [
      (Self.idx(magic: 2051, [0, 2, 2], body: []), "0 images"),
      (Self.idx(magic: 2051, [UInt32.max, 4096, 4096], body: [1, 2, 3]), "truncated"),
      (Self.idx(magic: 2051, [1, 0, 2], body: [1]), "image size 0×2"),
      (Self.idx(magic: 2051, [1, 5000, 2], body: [1]), "image size 5000×2"),
      (Self.idx(magic: 2049, [1, 2, 2], body: []), "magic number 2049"),
      (Data([0, 0, 8]), "no 16-byte image header"),
    ]
    for (data, detail) in cases {
      #expect(throws: DataError.self) { try IDXReader.decodeImages(data, file: "i.idx") }
      do { _ = try IDXReader.decodeImages(data, file: "i.idx") } catch { #expect("\(error)".contains(detail), "\(error)") }
    }
    #expect { try IDXReader.decodeLabels(Self.idx(magic: 2049, [0], body: []), file: "l.idx") } throws: { "\($0)".contains("0 labels") }
    #expect { try IDXReader.decodeLabels(Self.idx(magic: 2049, [UInt32.max], body: [1]), file: "l.idx") } throws: {
      "\($0)".contains("truncated")
    }
  }

  @Test func modelDescriptionsAreCheckedBeforeANetworkIsBuilt() throws {
    func problem(_ preset: ModelPreset, _ shape: [Int], classes: Int = 10, dropout: Float = 0) -> String? {
      ModelDescription(preset: preset, inputShape: shape, classes: classes, dropout: dropout).problem
    }
    // 2×2 IDX images given to the CNNs: too small for their kernels.
    #expect(problem(.simpleCNN, [1, 2, 2]) == "simple-cnn needs images of at least 6×6, got 2×2")
    #expect(problem(.deepCNN, [1, 3, 9]) == "deep-cnn needs images of at least 4×4, got 3×9")
    #expect(problem(.simpleCNN, [1, 6, 6]) == nil && problem(.deepCNN, [1, 4, 4]) == nil && problem(.mlp, [1, 1, 1]) == nil)
    #expect(problem(.mlp, [1, 8, 8], dropout: 1) == "dropout must be in [0, 1), got 1.0")
    #expect(problem(.mlp, [1, 8, 8], dropout: .nan)?.contains("dropout") == true)
    #expect(problem(.mlp, [1, 8, 8], classes: 100_000_000_000) == "classes must be in 2...1024, got 100000000000")
    #expect(problem(.mlp, [1, 8, 8], classes: 1) == "classes must be in 2...1024, got 1")
    #expect(problem(.mlp, [1, -8, 8])?.contains("height and width") == true)
    #expect(problem(.mlp, [1, 8])?.contains("[channels, height, width]") == true)
    #expect(problem(.mlp, [Int.max, 8, 8])?.contains("channels") == true)
    // Every size the check lets through builds: the largest simple-cnn input has a bounded count.
    let largest = ModelDescription(preset: .simpleCNN, inputShape: [4096, 4096, 4096], classes: 1024)
    #expect(largest.problem == nil && largest.parameterCount > 0)
    #expect(throws: MemoryError.self) { try largest.trainingMemory(batchSize: 100).check("t") }
    // The JSON itself.
    #expect { try ModelDescription.decode(Data("{}".utf8), file: "model.json") } throws: { "\($0)".hasPrefix("model.json: not a model description") }
    let json = #"{"format":"dqn-supervised-model","version":1,"preset":"simple-cnn","inputShape":[1,2,2],"classes":10,"dropout":0,"seed":1}"#
    #expect { try ModelDescription.decode(Data(json.utf8), file: "model.json") } throws: {
      "\($0)" == "model.json: simple-cnn needs images of at least 6×6, got 2×2"
    }
    // The parameter count matches the network built.
    for preset in ModelPreset.allCases {
      let description = ModelDescription(preset: preset, inputShape: [1, 12, 10], classes: 7, dropout: 0.25)
      let built = description.makeNetwork().parameters.reduce(0) { $0 + $1.value.count }
      #expect(description.parameterCount == built, "\(preset)")
    }
  }
}
