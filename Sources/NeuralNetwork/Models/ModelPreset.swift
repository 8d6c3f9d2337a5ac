/// The book's supervised networks, rebuilt from a `ModelDescription`.
public enum ModelPreset: String, CaseIterable, Codable, Sendable {
  /// Two hidden dense layers of 100 with ReLU (the book's `MultiLayerNet`).
  case mlp
  /// conv 30×5×5 → ReLU → max-pool 2 → dense 100 → ReLU → dense (the book's `SimpleConvNet`).
  case simpleCNN = "simple-cnn"
  /// Six 3×3 convolutions in pairs with max-pooling, dense 50, dropout (the book's `DeepConvNet`).
  case deepCNN = "deep-cnn"

  /// The dropout probability used when none is given.
  public var defaultDropout: Float {
    switch self {
    case .mlp, .simpleCNN: return 0
    case .deepCNN: return 0.25
    }
  }
}
