import Foundation
import NeuralNetwork

/// IDX images and labels (plain or gzip): magic numbers, counts and sizes against the file length.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = start.map { Data(bytes: $0, count: count) } ?? Data()
  _ = try? IDXReader.decodeImages(data, file: "fuzz-images.idx")
  _ = try? IDXReader.decodeLabels(data, file: "fuzz-labels.idx", classes: 10)
  return 0
}
