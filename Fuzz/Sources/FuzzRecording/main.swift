import Foundation
import GridGames
import Viewer

/// Recorded episodes (`.replay` files): parsed, then re-simulated and verified frame by frame,
/// as `dqn replay` does (short recordings only, so that each input stays fast).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = start.map { Data(bytes: $0, count: count) } ?? Data()
  guard let recording = try? Recording.parse(String(decoding: data, as: UTF8.self), file: "fuzz.replay") else { return 0 }
  guard recording.episodes.count <= 4, recording.episodes.allSatisfy({ $0.actions.count <= 200 }) else { return 0 }
  _ = try? recording.verify(file: "fuzz.replay")
  return 0
}
