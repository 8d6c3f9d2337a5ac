import DQN
import Foundation

/// Agent presets (`Agents/*.yaml`): every key, its type and range, and the size checks.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = start.map { Data(bytes: $0, count: count) } ?? Data()
  _ = try? AgentPreset.parse(yaml: String(decoding: data, as: UTF8.self), file: "fuzz.yaml")
  return 0
}
