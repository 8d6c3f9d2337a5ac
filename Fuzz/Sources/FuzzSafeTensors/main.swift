import Foundation
import NeuralNetwork

/// safetensors: the header (lengths, shapes, offsets, dtypes) and the data after it, then loading
/// the tensors into a network whose names they may match (the NaN/infinity check included).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = start.map { Data(bytes: $0, count: count) } ?? Data()
  guard let decoded = try? SafeTensors.decode(data, file: "fuzz.safetensors") else { return 0 }
  var rng = SplitMix64(seed: 1)
  let network = Sequential([Dense(inputSize: 2, outputSize: 2, name: "fc1", using: &rng)])
  _ = try? network.load(decoded.tensors, file: "fuzz.safetensors")
  return 0
}
