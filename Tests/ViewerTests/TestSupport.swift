import DQN
import Foundation
import GridGames
import NeuralNetwork
import Testing

@testable import Viewer

/// A fresh temporary directory.
func temporaryDirectory(_ label: String = "viewer-test") throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Catch with its defaults, optionally time-limited.
func catchDefinition(maxSteps: Int? = nil) -> EnvironmentDefinition {
  var definition = EnvironmentDefinition.defaults(for: Catch.self)
  if let maxSteps { definition.observation.maxEpisodeSteps = maxSteps }
  return definition
}

/// Writes a run folder (agent.yaml + weights.safetensors of an untrained small network) for
/// `definition`, as training would.
func makeRunFolder(for definition: EnvironmentDefinition, in directory: URL, seed: UInt64 = 3) throws -> URL {
  let folder = directory.appendingPathComponent("run-\(definition.name)")
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  let preset = AgentPreset()
  try RunFolder(folder).writeDescription(RunFolder.Description(preset: preset, environment: definition, seed: seed))
  let shape = definition.frameShape
  let network = try QNetworkBuilder.make(
    preset.network, dueling: preset.dueling,
    inputShape: [definition.observation.frameStack * shape.channels, shape.height, shape.width],
    actionCount: definition.actionNames.count, seed: seed)
  try network.save(to: RunFolder(folder).weightsFile)
  return folder
}

/// A seeded random player, for recordings in tests.
final class RandomActionSource: ActionSource {
  private var generator: SplitMix64
  private var seeds: SplitMix64
  private let actionCount: Int
  private let episodes: Int

  init(actionCount: Int, seed: UInt64, episodes: Int) {
    generator = SplitMix64(seed: seed)
    seeds = SplitMix64(seed: seed &+ 1)
    self.actionCount = actionCount
    self.episodes = episodes
  }

  var playerName: String { "random" }
  private var drawn: [UInt64] = []
  func episodeSeed(_ index: Int) -> UInt64? {
    guard index < episodes else { return nil }
    while drawn.count <= index { drawn.append(seeds.next()) }
    return drawn[index]
  }
  func start(episode: Int, observation: Frame) throws(ViewerError) {}
  func nextAction() throws(ViewerError) -> Int? { generator.nextInt(below: actionCount) }
  func finish(step: Step, action: Int, stepIndex: Int) throws(ViewerError) {}
}

/// Records `episodes` episodes of random play.
func randomRecording(_ definition: EnvironmentDefinition, episodes: Int = 2, seed: UInt64 = 11) throws -> Recording {
  let recorder = Recorder(environment: definition, seed: seed, agent: nil)
  let session = try PlaybackSession(
    definition: definition, source: RandomActionSource(actionCount: definition.actionNames.count, seed: seed, episodes: episodes),
    recorder: recorder, rendersDisplay: false)
  try session.runToEnd()
  return recorder.finish()
}

/// `frame` scaled up by a whole number with nearest-neighbour sampling, as RGB.
func scaledRGB(_ frame: Frame, by scale: Int) -> Frame {
  var pixels = [UInt8](repeating: 0, count: frame.width * scale * frame.height * scale * 3)
  for y in 0..<(frame.height * scale) {
    for x in 0..<(frame.width * scale) {
      for c in 0..<3 {
        pixels[(y * frame.width * scale + x) * 3 + c] = frame[y / scale, x / scale, frame.channels == 3 ? c : 0]
      }
    }
  }
  return Frame(height: frame.height * scale, width: frame.width * scale, channels: 3, pixels: pixels)
}

/// The `rect` part of an RGB image.
func crop(_ image: Frame, _ rect: Rect) -> Frame {
  var pixels: [UInt8] = []
  pixels.reserveCapacity(rect.width * rect.height * 3)
  for y in rect.y..<rect.maxY {
    let start = (y * image.width + rect.x) * 3
    pixels.append(contentsOf: image.pixels[start..<(start + rect.width * 3)])
  }
  return Frame(height: rect.height, width: rect.width, channels: 3, pixels: pixels)
}

/// The colour at (`x`, `y`) of an RGB image.
func color(_ image: Frame, x: Int, y: Int) -> RGBColor {
  RGBColor(red: image[y, x, 0], green: image[y, x, 1], blue: image[y, x, 2])
}
