/// The Q-network bodies a preset may name.
public enum NetworkKind: String, Sendable, CaseIterable, Codable {
  /// Flatten → dense 64 → ReLU → dense 64 → ReLU → dense A: for boards like catch's 10×5.
  case small
  /// MinAtar's: conv 16×3×3 stride 1 → ReLU → dense 128 → ReLU → dense A.
  case minatar
  /// PQN's MinAtar network (Gallici et al. 2024): MinAtar's with a LayerNorm after the convolution
  /// (over the 16 channels at each position) and after the dense layer, each before its ReLU.
  case minatarLayerNorm = "minatar-layernorm"
  /// Nature DQN: conv 32×8×8/4, 64×4×4/2, 64×3×3/1, dense 512, dense A.
  case nature
}
