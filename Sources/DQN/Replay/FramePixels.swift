import GridGames

/// Turns UInt8 frames (H×W×C, interleaved) into the network's Float planes (C×H×W, /255).
///
/// The replay's sampler and the acting path share this, so both see bit-identical inputs.
enum FramePixels {
  static let scale: Float = 1 / 255

  /// Writes `shape.channels` planes of `height·width` floats starting at `destination`.
  @inline(__always)
  static func write(_ source: UnsafePointer<UInt8>, shape: FrameShape, into destination: UnsafeMutablePointer<Float>) {
    let pixels = shape.height * shape.width
    let channels = shape.channels
    if channels == 1 {
      for p in 0..<pixels { destination[p] = Float(source[p]) * scale }
      return
    }
    for c in 0..<channels {
      let plane = destination + c * pixels
      for p in 0..<pixels { plane[p] = Float(source[p * channels + c]) * scale }
    }
  }
}
