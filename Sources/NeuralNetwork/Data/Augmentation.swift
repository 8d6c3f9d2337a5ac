import Foundation

/// Random geometric augmentation of `[N, C, H, W]` images: shift, small rotation, crop (a random
/// zoom into a sub-window) and optional horizontal flip, combined into one affine map per image
/// and sampled bilinearly (outside pixels are 0).
public struct Augmentation: Sendable, Equatable, Codable {
  /// Largest shift in pixels along each axis.
  public var maxShift: Float
  /// Largest rotation in degrees, either way.
  public var maxRotationDegrees: Float
  /// Smallest crop side as a fraction of the image (1 = no cropping).
  public var minCropScale: Float
  /// Whether to flip left–right half the time (off for digits: a flipped 2 is no 2).
  public var horizontalFlip: Bool

  public init(maxShift: Float = 2, maxRotationDegrees: Float = 10, minCropScale: Float = 0.9, horizontalFlip: Bool = false) {
    self.maxShift = maxShift
    self.maxRotationDegrees = maxRotationDegrees
    self.minCropScale = minCropScale
    self.horizontalFlip = horizontalFlip
  }

  /// The defaults tuned for digits on a validation split of mnist-4k.
  public static let digits = Augmentation()

  /// Writes an augmented copy of each image of `input` into `output`.
  public func apply<G: RandomNumberGenerator>(_ input: Tensor, into output: inout Tensor, using rng: inout G) {
    precondition(input.rank == 4, "Augmentation expects [N, C, H, W], got \(input.shape)")
    output.resize(to: input.shape)
    let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let centerY = Float(height - 1) / 2
    let centerX = Float(width - 1) / 2
    input.withUnsafeBufferPointer { x in
      output.withUnsafeMutableBufferPointer { y in
        for n in 0..<batch {
          let angle = (rng.nextUniform() * 2 - 1) * maxRotationDegrees * Float.pi / 180
          let scale = minCropScale + (1 - minCropScale) * rng.nextUniform()
          let shiftX = (rng.nextUniform() * 2 - 1) * maxShift
          let shiftY = (rng.nextUniform() * 2 - 1) * maxShift
          let flip: Float = horizontalFlip && rng.nextUniform() < 0.5 ? -1 : 1
          // Inverse map: output (ox, oy) samples input at center + R(−θ)·S·(o − center − shift).
          let cosA = Foundation.cos(angle) * scale
          let sinA = Foundation.sin(angle) * scale
          for c in 0..<channels {
            let plane = (n * channels + c) * height * width
            for oy in 0..<height {
              for ox in 0..<width {
                let dx = (Float(ox) - centerX - shiftX) * flip
                let dy = Float(oy) - centerY - shiftY
                let sx = cosA * dx + sinA * dy + centerX
                let sy = -sinA * dx + cosA * dy + centerY
                y[plane + oy * width + ox] = Self.bilinear(x, plane, height, width, sy, sx)
              }
            }
          }
        }
      }
    }
  }

  @inline(__always)
  private static func bilinear(
    _ x: UnsafeBufferPointer<Float>, _ plane: Int, _ height: Int, _ width: Int, _ sy: Float, _ sx: Float
  ) -> Float {
    let y0 = Int(Foundation.floor(sy))
    let x0 = Int(Foundation.floor(sx))
    let fy = sy - Float(y0)
    let fx = sx - Float(x0)
    func at(_ yy: Int, _ xx: Int) -> Float {
      (yy >= 0 && yy < height && xx >= 0 && xx < width) ? x[plane + yy * width + xx] : 0
    }
    return (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1))
      + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1))
  }
}
