import CKernels

/// The vector instruction sets CKernels' kernels are built for, narrowest first.
public enum InstructionLevel: Int32, Sendable, Comparable, CaseIterable, CustomStringConvertible {
  /// Plain C, vectorised by the compiler for the baseline instruction set.
  case generic = 0
  /// AVX2 with FMA.
  case avx2 = 1
  /// AVX-512 F, BW, VL and DQ.
  case avx512 = 2

  /// The widest level this processor supports.
  public static let detected = InstructionLevel(rawValue: ckernels_instruction_level()) ?? .generic

  /// The levels this processor can run, narrowest first.
  public static var supported: [InstructionLevel] { allCases.filter { $0 <= detected } }

  public static func < (a: InstructionLevel, b: InstructionLevel) -> Bool { a.rawValue < b.rawValue }

  public var description: String {
    switch self {
    case .generic: "generic"
    case .avx2: "AVX2"
    case .avx512: "AVX-512"
    }
  }
}
