import Foundation

/// The path of `relative` inside the repository's `Datasets/` folder, found from this file's location
/// (`Tests/NeuralNetworkTests/` is two levels below the repository root).
func datasetPath(_ relative: String) -> String {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Datasets").appendingPathComponent(relative).path
}
