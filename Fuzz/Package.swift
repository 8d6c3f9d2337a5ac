// swift-tools-version: 6.1
// libFuzzer targets, one per parser of dqn's files. Built and run by `scripts/fuzz`
// (`swift build -c release --sanitize=fuzzer …`); each target is an executable whose
// `LLVMFuzzerTestOneInput` hands the input to one parser, which must throw or succeed, never trap.
import PackageDescription

let targets: [(name: String, dependencies: [String])] = [
  ("FuzzSafeTensors", ["NeuralNetwork"]),
  ("FuzzReplayBuffer", ["DQN", "GridGames", "NeuralNetwork"]),
  ("FuzzRecording", ["Viewer", "GridGames"]),
  ("FuzzPreset", ["DQN"]),
  ("FuzzEnvironment", ["GridGames"]),
  ("FuzzIDX", ["NeuralNetwork"]),
  ("FuzzCSV", ["NeuralNetwork"]),
  ("FuzzModelDescription", ["NeuralNetwork"]),
  ("FuzzRunState", ["DQN"]),
]

let package = Package(
  name: "dqn-fuzz",
  dependencies: [.package(name: "dqn", path: "..")],
  targets: targets.map { target in
    .executableTarget(
      name: target.name,
      dependencies: target.dependencies.map { .product(name: $0, package: "dqn") },
      path: "Sources/\(target.name)",
      swiftSettings: [.unsafeFlags(["-parse-as-library"])])
  },
  swiftLanguageModes: [.v6]
)
