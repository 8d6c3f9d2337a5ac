import GridGames
import Testing

@testable import Viewer

@Suite struct FrameHashTests {
  @Test func knownAnswers() {
    // Published FNV-1a 64 test vectors.
    #expect(FrameHash.fnv1a([UInt8]()) == 0xcbf2_9ce4_8422_2325)
    #expect(FrameHash.fnv1a(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
    #expect(FrameHash.fnv1a(Array("foobar".utf8)) == 0x8594_4171_f739_67e8)
  }

  @Test func hexRoundTrips() {
    for value: UInt64 in [0, 1, 0xdead_beef, .max] {
      let text = FrameHash.hex(value)
      #expect(text.count == 16)
      #expect(FrameHash.parse(Substring(text)) == value)
    }
    #expect(FrameHash.parse("123") == nil)
    #expect(FrameHash.parse("zzzzzzzzzzzzzzzz") == nil)
  }

  @Test func differentFramesHashDifferently() {
    let a = Frame(height: 2, width: 2, channels: 1, pixels: [0, 1, 2, 3])
    let b = Frame(height: 2, width: 2, channels: 1, pixels: [0, 1, 2, 4])
    #expect(FrameHash.of(a) != FrameHash.of(b))
    #expect(FrameHash.of(a) == FrameHash.of(a))
  }
}
