import ArgumentParser
import Foundation
import Viewer

/// Options for driving a window without a person (tests, CI screenshots, demos). Hidden from help.
struct WindowHarnessOptions: ParsableArguments {
  @Option(help: .hidden) var maxFrames: Int?
  @Option(help: .hidden) var keys: String?
  @Option(help: .hidden) var screenshot: String?
  @Flag(help: .hidden) var unpaced = false
  @Flag(help: .hidden) var softwareRenderer = false

  func validate() throws {
    if let maxFrames, maxFrames <= 0 { throw ValidationError("--max-frames must be positive, got \(maxFrames)") }
  }

  func apply(to settings: inout WindowPlayback.Settings) throws {
    settings.maxFrames = maxFrames
    settings.keyScript = try keys.map { try ScriptedEventSource(parsing: $0) }
    settings.screenshot = screenshot.map { URL(fileURLWithPath: $0) }
    settings.paced = !unpaced
    settings.software = softwareRenderer
  }
}
