// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "dqn",
  products: [
    .executable(name: "dqn", targets: ["DQNCommand"]),
    .library(name: "NeuralNetwork", targets: ["NeuralNetwork"]),
    .library(name: "GridGames", targets: ["GridGames"]),
    .library(name: "DQN", targets: ["DQN"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
  ],
  targets: [
    .systemLibrary(name: "COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CSDL2", providers: [.apt(["libsdl2-dev"])]),
    .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
    .target(name: "CShims"),
    .target(
      name: "NeuralNetwork",
      dependencies: ["COpenBLAS", "CZlib"],
      swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
    ),
    .target(
      name: "GridGames",
      dependencies: ["CSDL2", "Yams"],
      swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
    ),
    .target(
      name: "DQN",
      dependencies: ["NeuralNetwork", "GridGames", "Yams"],
      swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
    ),
    .executableTarget(
      name: "DQNCommand",
      dependencies: [
        "NeuralNetwork", "GridGames", "DQN", "CShims",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(name: "NeuralNetworkTests", dependencies: ["NeuralNetwork"]),
    .testTarget(name: "GridGamesTests", dependencies: ["GridGames"], resources: [.copy("Fixtures")]),
    .testTarget(name: "DQNTests", dependencies: ["DQN"]),
    .testTarget(name: "DQNCommandTests", dependencies: ["DQNCommand"]),
  ],
  swiftLanguageModes: [.v6]
)
