import Foundation
import Testing

@testable import Viewer

/// Every test that starts SDL (video or fonts) lives in this one serialized suite, because SDL
/// is global state and Swift Testing runs suites in parallel. The tests are in extensions, one
/// file per part (`PlaybackWindowTests.swift`, `ExportTests.swift`, `PlotTests.swift`).
@Suite(.serialized) struct SDLTests {
  init() {
    // Headless, deterministic: the dummy video driver with SDL's software renderer.
    setenv("SDL_VIDEODRIVER", "dummy", 1)
  }
}
