import Foundation
import GridGames

/// Environment definitions (`Environments/*.yaml`): parsed, then made into an environment that
/// is reset and stepped a few times (a maze layout, a grid size, the observation settings).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = start.map { Data(bytes: $0, count: count) } ?? Data()
  guard let definition = try? EnvironmentDefinition.parse(yaml: String(decoding: data, as: UTF8.self), file: "fuzz.yaml"),
    var environment = try? definition.makeEnvironment()
  else { return 0 }
  _ = environment.reset(seed: 1)
  for step in 0..<8 {
    if environment.step(step % definition.actionNames.count).isEpisodeOver { break }
  }
  return 0
}
