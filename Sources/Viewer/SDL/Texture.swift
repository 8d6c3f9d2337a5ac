import CSDL2

/// An SDL texture; destroyed by `close()` (or `deinit`), always before its renderer.
final class Texture {
  private(set) var pointer: OpaquePointer?
  let width: Int
  let height: Int

  init(pointer: OpaquePointer, width: Int, height: Int) {
    self.pointer = pointer
    self.width = width
    self.height = height
  }

  func close() {
    if let pointer { SDL_DestroyTexture(pointer) }
    pointer = nil
  }

  deinit { close() }
}
