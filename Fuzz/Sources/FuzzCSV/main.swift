import Foundation
import NeuralNetwork

/// CSV data: lines, fields, pixel values and labels (plain or gzip).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = start.map { Data(bytes: $0, count: count) } ?? Data()
  _ = try? CSVReader.decode(data, file: "fuzz.csv", height: 2, width: 2, maximum: 16, classes: 10)
  return 0
}
