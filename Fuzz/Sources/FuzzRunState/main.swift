import DQN
import Foundation

/// A checkpoint's `state.json`: counters, the current episode's actions, log rows, recent returns.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = start.map { Data(bytes: $0, count: count) } ?? Data()
  _ = try? RunCheckpoint.decodeState(data, file: "state.json", actionCount: 3, maxEpisodeSteps: 100)
  return 0
}
