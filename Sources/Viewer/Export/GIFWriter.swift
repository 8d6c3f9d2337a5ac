import CGIF
import FileIO
import Foundation
import GridGames

/// Writes an animated GIF with giflib: a global 256-colour palette made from the first frame
/// (plus seed colours), a local palette for any frame it does not cover, a NETSCAPE2.0 loop
/// extension and a per-frame delay in a graphics control extension.
///
/// `write(to:width:height:seeds:_:)` writes a whole file with `AtomicFile`: the body adds the
/// frames to a writer on a temporary file, which replaces the target only when all went well.
public final class GIFWriter {
  /// The file named in errors (the target, not the temporary file).
  public let file: String
  public let width: Int
  public let height: Int
  public private(set) var frameCount = 0
  private let seeds: [RGBColor]
  private var gif: UnsafeMutablePointer<GifFileType>?
  private var global: ColorQuantizer?

  /// Writes the GIF `url` of `width × height` with the frames `body` adds.
  ///
  /// - Parameter seeds: colours to put in the global palette first (the game's palette).
  /// - Throws: what `body` throws, or `ViewerError.unwritable` naming `url`; either way `url` is
  ///   left as it was.
  public static func write(
    to url: URL, width: Int, height: Int, seeds: [RGBColor] = [], _ body: (GIFWriter) throws(ViewerError) -> Void
  ) throws(ViewerError) {
    guard (1...65535).contains(width), (1...65535).contains(height) else {
      throw .invalidOption(option: "GIF size", detail: "\(width)×\(height) is outside 1…65535")
    }
    var failure: ViewerError?
    do throws(FileWriteError) {
      try AtomicFile.write(to: url, throughPath: { path in
        do {
          let writer = try GIFWriter(path: path, file: url.path, width: width, height: height, seeds: seeds)
          defer { writer.cancel() }
          try body(writer)
          try writer.finish()
        } catch {
          failure = error as? ViewerError
          throw error
        }
      })
    } catch {
      throw failure ?? ViewerError(error)
    }
  }

  /// Opens `path` for writing.
  private init(path: String, file: String, width: Int, height: Int, seeds: [RGBColor]) throws(ViewerError) {
    self.file = file
    self.width = width
    self.height = height
    self.seeds = seeds
    var error: Int32 = 0
    guard let opened = EGifOpenFileName(path, false, &error) else {
      throw .unwritable(file: file, detail: Self.message(error))
    }
    gif = opened
    EGifSetGifVersion(opened, true)
  }

  /// Appends an RGB frame of the writer's size, shown for `delayCentiseconds` hundredths of a second.
  public func add(_ frame: Frame, delayCentiseconds: Int) throws(ViewerError) {
    guard let gif else { throw .unwritable(file: file, detail: "the GIF is already finished") }
    precondition(frame.width == width && frame.height == height && frame.channels == 3,
                 "GIF frame must be \(width)×\(height)×3, got \(frame.shape)")
    if global == nil {
      let quantizer = ColorQuantizer(palette: ColorQuantizer.palette(for: frame, seeds: seeds))
      global = quantizer
      try check(withColorMap(quantizer.palette) { EGifPutScreenDesc(gif, Int32(width), Int32(height), 8, 0, $0) },
                "EGifPutScreenDesc")
      try putLoopExtension(gif)
    }
    var gcb = GraphicsControlBlock(
      DisposalMode: DISPOSE_DO_NOT, UserInputFlag: false, DelayTime: Int32(max(delayCentiseconds, 1)),
      TransparentColor: NO_TRANSPARENT_COLOR)
    var extensionBytes = [GifByteType](repeating: 0, count: 4)
    let length = EGifGCBToExtension(&gcb, &extensionBytes)
    try check(EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, Int32(length), extensionBytes), "EGifPutExtension")

    var quantizer: ColorQuantizer
    let isLocal: Bool
    if let global, global.coversExactly(frame) {
      quantizer = global
      isLocal = false
    } else {
      quantizer = ColorQuantizer(palette: ColorQuantizer.palette(for: frame, seeds: global?.palette ?? seeds))
      isLocal = true
    }
    var indices = quantizer.indices(of: frame)
    if !isLocal { global = quantizer }  // keep the cache it grew
    if isLocal {
      try check(withColorMap(quantizer.palette) { EGifPutImageDesc(gif, 0, 0, Int32(width), Int32(height), false, $0) },
                "EGifPutImageDesc")
    } else {
      try check(EGifPutImageDesc(gif, 0, 0, Int32(width), Int32(height), false, nil), "EGifPutImageDesc")
    }
    let status: Int32 = indices.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return GIF_ERROR }
      for row in 0..<height where EGifPutLine(gif, base + row * width, Int32(width)) == GIF_ERROR {
        return GIF_ERROR
      }
      return GIF_OK
    }
    try check(status, "EGifPutLine")
    frameCount += 1
  }

  /// Closes the file.
  private func finish() throws(ViewerError) {
    guard let gif else { return }
    self.gif = nil
    var error: Int32 = 0
    if EGifCloseFile(gif, &error) == GIF_ERROR {
      throw .unwritable(file: file, detail: Self.message(error))
    }
  }

  /// Closes the file if it is still open, ignoring errors (it is being abandoned).
  private func cancel() {
    guard let gif else { return }
    self.gif = nil
    var error: Int32 = 0
    EGifCloseFile(gif, &error)
  }

  deinit { cancel() }

  private func putLoopExtension(_ gif: UnsafeMutablePointer<GifFileType>) throws(ViewerError) {
    try check(EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE), "EGifPutExtensionLeader")
    let name = Array("NETSCAPE2.0".utf8)
    try check(EGifPutExtensionBlock(gif, Int32(name.count), name), "EGifPutExtensionBlock")
    let loopForever: [GifByteType] = [1, 0, 0]
    try check(EGifPutExtensionBlock(gif, 3, loopForever), "EGifPutExtensionBlock")
    try check(EGifPutExtensionTrailer(gif), "EGifPutExtensionTrailer")
  }

  /// Runs `body` with a giflib colour map of `palette` padded to 256 entries.
  private func withColorMap(_ palette: [RGBColor], _ body: (UnsafeMutablePointer<ColorMapObject>?) -> Int32) -> Int32 {
    var colors = palette.map { GifColorType(Red: $0.red, Green: $0.green, Blue: $0.blue) }
    while colors.count < 256 { colors.append(GifColorType(Red: 0, Green: 0, Blue: 0)) }
    guard let map = GifMakeMapObject(256, colors) else { return GIF_ERROR }
    defer { GifFreeMapObject(map) }
    return body(map)
  }

  private func check(_ status: Int32, _ call: String) throws(ViewerError) {
    guard status == GIF_OK else {
      let code = gif?.pointee.Error ?? 0
      cancel()
      throw .unwritable(file: file, detail: "\(call): \(Self.message(code))")
    }
  }

  static func message(_ code: Int32) -> String {
    guard let text = GifErrorString(code) else { return "giflib error \(code)" }
    return String(cString: text)
  }
}
