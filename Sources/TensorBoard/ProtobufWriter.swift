/// The few pieces of the protocol-buffer wire format that event files need: varints, 64- and 32-bit
/// fixed fields, and length-delimited fields (strings, bytes, nested messages).
///
/// Why by hand rather than through swift-protobuf's generated code: an event file needs eight
/// message fields of four messages; generating `event.proto`, `summary.proto`, `tensor.proto` and
/// their imports would add thousands of lines and a dependency to every build for that. The
/// encoding is pinned by tests against bytes written by TensorBoard's own Python writer.
struct ProtobufWriter {
  private(set) var bytes: [UInt8] = []

  mutating func varint(_ value: UInt64) {
    var rest = value
    while rest >= 0x80 {
      bytes.append(UInt8(rest & 0x7F) | 0x80)
      rest >>= 7
    }
    bytes.append(UInt8(rest))
  }

  private mutating func key(_ field: Int, wireType: UInt64) {
    varint(UInt64(field) << 3 | wireType)
  }

  /// An `int32`/`int64`/enum field (negative values take ten bytes, as protobuf specifies).
  mutating func integer(_ field: Int, _ value: Int64) {
    key(field, wireType: 0)
    varint(UInt64(bitPattern: value))
  }

  mutating func double(_ field: Int, _ value: Double) {
    key(field, wireType: 1)
    let bits = value.bitPattern
    for shift in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(shift)))) }
  }

  mutating func float(_ field: Int, _ value: Float) {
    key(field, wireType: 5)
    let bits = value.bitPattern
    for shift in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt32(shift)))) }
  }

  mutating func bytes(_ field: Int, _ value: [UInt8]) {
    key(field, wireType: 2)
    varint(UInt64(value.count))
    bytes += value
  }

  mutating func string(_ field: Int, _ value: String) {
    bytes(field, Array(value.utf8))
  }

  mutating func message(_ field: Int, _ build: (inout ProtobufWriter) -> Void) {
    var nested = ProtobufWriter()
    build(&nested)
    bytes(field, nested.bytes)
  }
}
