import Foundation
import NeuralNetwork

/// Saved supervised model descriptions (`model.json`): decoded and checked; a description that
/// passes is built (sizes the check lets through must build without trapping).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = start.map { Data(bytes: $0, count: count) } ?? Data()
  guard let description = try? ModelDescription.decode(data, file: "model.json") else { return 0 }
  guard description.parameterCount < 2_000_000 else { return 0 }
  let network = description.makeNetwork()
  let input = Tensor(shape: [1] + description.inputShape, repeating: 0.5)
  _ = network.forward(input, training: false)
  return 0
}
