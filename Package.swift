// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "dqn",
  products: [
    .executable(name: "dqn", targets: ["DQNCommand"]),
    .library(name: "NeuralNetwork", targets: ["NeuralNetwork"]),
    .library(name: "GridGames", targets: ["GridGames"]),
    .library(name: "DQN", targets: ["DQN"]),
    .library(name: "Viewer", targets: ["Viewer"]),
    .library(name: "FileIO", targets: ["FileIO"]),
    .library(name: "TensorBoard", targets: ["TensorBoard"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
  ],
  targets: [
    .systemLibrary(name: "COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CSDL2", providers: [.apt(["libsdl2-dev"])]),
    .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(name: "CSDL2Extras", providers: [.apt(["libsdl2-ttf-dev", "libsdl2-image-dev"])]),
    .systemLibrary(name: "CGIF", providers: [.apt(["libgif-dev"])]),
    .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),
    .target(name: "CShims"),
    .target(name: "FileIO"),
    .target(name: "TensorBoard", dependencies: ["FileIO", "CZlib"]),
    .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3", "-fno-math-errno"])]),
    .target(
      name: "NeuralNetwork",
      dependencies: ["COpenBLAS", "CZlib", "CKernels", "FileIO"]
    ),
    .target(
      name: "GridGames",
      dependencies: ["CSDL2", "Yams"]
    ),
    .target(
      name: "DQN",
      dependencies: ["NeuralNetwork", "GridGames", "FileIO", "TensorBoard", "Yams"]
    ),
    .target(name: "DQNMPI", dependencies: ["DQN", "CMPI", "GridGames"]),
    .target(
      name: "Viewer",
      dependencies: ["CSDL2", "CSDL2Extras", "CGIF", "GridGames", "DQN", "NeuralNetwork", "FileIO"]
    ),
    .executableTarget(
      name: "DQNCommand",
      dependencies: [
        "NeuralNetwork", "GridGames", "DQN", "DQNMPI", "Viewer", "CShims", "FileIO",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(name: "FileIOTests", dependencies: ["FileIO"]),
    .testTarget(name: "TensorBoardTests", dependencies: ["TensorBoard", "FileIO", "DQN", "GridGames"], resources: [.copy("Fixtures")]),
    .testTarget(name: "NeuralNetworkTests", dependencies: ["NeuralNetwork"], exclude: ["Fixtures"]),
    .testTarget(name: "GridGamesTests", dependencies: ["GridGames"], resources: [.copy("Fixtures")]),
    // Linux only: it replaces malloc in the test binary to count allocations (AllocationTests).
    .target(name: "AllocationCounter", path: "Tests/AllocationCounter"),
    .testTarget(name: "DQNTests", dependencies: ["DQN", "FileIO", "AllocationCounter"]),
    .testTarget(name: "ViewerTests", dependencies: ["Viewer", "DQN", "GridGames", "NeuralNetwork"]),
    .testTarget(name: "DQNCommandTests", dependencies: ["DQNCommand"]),
  ],
  swiftLanguageModes: [.v6]
)
