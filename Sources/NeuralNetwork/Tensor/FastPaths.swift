import Synchronization

/// The faster ways the layers can compute what OpenBLAS and im2col compute (the reference: every
/// fast path is tested against it). Layers take `FastPaths.standard` when they are built; tests
/// and `dqn bench nn --without` change it.
///
/// Each gives the same result as the reference up to the order of additions: not bit-identical,
/// but every run with the same paths, processor and seed is.
public struct FastPaths: OptionSet, Sendable, Hashable, CustomStringConvertible {
  public let rawValue: Int
  public init(rawValue: Int) { self.rawValue = rawValue }

  /// Dense's products and Conv2D's input gradient through CKernels' own matrix products
  /// (`Gemm.c`) instead of OpenBLAS's.
  public static let matrixProducts = FastPaths(rawValue: 1 << 0)
  /// Conv2D's forward as an implicit matrix product: the im2col matrix is packed into the product's
  /// blocks straight from the image and never formed.
  public static let implicitConvolution = FastPaths(rawValue: 1 << 1)
  /// Conv2D's weight gradient the same way (the training forward then keeps the input instead of
  /// its im2col matrix).
  public static let implicitWeightGradient = FastPaths(rawValue: 1 << 2)
  /// Conv2D's input gradient a few samples at a time: each group's column gradient is folded back
  /// into the image while it is still in cache (and groups run on the threads).
  public static let groupedInputGradient = FastPaths(rawValue: 1 << 3)
  /// Dense's forward keeps its weights packed for CKernels' products once they have served two
  /// products unchanged (a target network's, for a thousand updates), instead of packing them for
  /// every product; with `.matrixProducts` only.
  public static let packedWeights = FastPaths(rawValue: 1 << 4)
  /// With `.implicitConvolution`: a strided convolution without padding (the Nature network's
  /// first two) packs its windows from a space-to-depth copy of the input, made in one pass, where
  /// the windows of an output row start at consecutive floats for every tap: contiguous loads
  /// instead of a gather of every stride-th float per tap. The same values in the same order, so
  /// the same bits as without it.
  public static let spaceToDepth = FastPaths(rawValue: 1 << 5)
  /// With `.matrixProducts`: a `B` operand that is a row-major matrix (a dense layer's weights in
  /// its input gradient dx = dy·W) is read where it is by the microkernel instead of being copied
  /// into packed slivers first: its rows of a sliver's width are already what the microkernel
  /// loads. Taken where it measures faster: AVX-512 products of at most 48 rows (a DQN batch of
  /// 32). The same products in the same order, so the same bits as without it.
  public static let inPlaceB = FastPaths(rawValue: 1 << 6)
  /// With `.matrixProducts`: the `A` operand (row-major, or transposed as a dense layer's dyᵀ in
  /// dW = dyᵀ·x) is read where it is by the microkernel instead of being packed into slivers of
  /// its rows, in products of few columns, where few B slivers pass over each packed A block and
  /// the packing costs more than it saves (each level's `in_place_a_columns`, set by
  /// `scripts/microbench/run gemm_in_place_a`). Also in a convolution's implicit weight gradient
  /// (A is the output gradient), its implicit forward (A is the weights; few columns at small
  /// batches, as when acting), its grouped input gradient (A = Wᵀ, whose 8 or 6 taps per step are
  /// consecutive floats, until then packed again for every group of samples: the Nature network's
  /// two at batch 32 1.5–4.6% faster) and with packed weights. The same bits as without it.
  public static let inPlaceA = FastPaths(rawValue: 1 << 7)
  /// With `.matrixProducts`: a dense forward of at most 64 rows whose weights are not packed
  /// beforehand (an online network's, new after every update) computes yᵀ = b + W · xᵀ and
  /// transposes it, instead of y = b + x · Wᵀ: the weights are read in place and only the batch is
  /// packed, where before every forward packed the whole weight matrix transposed (512 KB for
  /// MinAtar's first dense layer, 6.4 MB for Nature's). The same sums in the same order, so the
  /// same bits as without it.
  public static let transposedForward = FastPaths(rawValue: 1 << 8)

  /// With `.implicitWeightGradient`: a stride-1 convolution without padding (MinAtar's, and the
  /// Nature network's third) computes its weight gradient transposed, dWᵀ += im2col(x) · dYᵀ,
  /// reading the image in place along its rows (where every tap's values for an output row are
  /// consecutive floats) and packing only the output gradient, instead of packing the windows
  /// transposed, a gather per position. So does a strided one with output rows of 16 or more (the
  /// Nature network's first), from a space-to-depth copy of its image, where its windows are stride
  /// 1 (on AVX2 and AVX-512). Each weight gets the same products in the same order, so the same
  /// bits as without it.
  public static let weightGradientByRows = FastPaths(rawValue: 1 << 9)

  /// With `.implicitConvolution`: a convolution without padding on AVX-512 or AVX2 (MinAtar's, the
  /// Nature network's three, its third not on AVX2; see `ckernels_convolution_direct` for what
  /// else) computes its output directly: each output position's filters are the lanes of a
  /// register or a pair (16 or 32 filters at a time; 16 on AVX2), summed tap by tap with the image's value broadcast from where it lies, and
  /// transposed in registers into the [N, F, H, W] output with the bias and ReLU added on the way,
  /// instead of packing the windows for a product and adding the bias in a pass of its own. The
  /// same products summed in the same order, so the same bits as without it.
  public static let directConvolution = FastPaths(rawValue: 1 << 10)

  /// With `.matrixProducts`: a dense layer's batch-1 forward (choosing one action) through
  /// CKernels' `ckernels_gemv` instead of OpenBLAS's `sgemv`: the weights read where they are, in
  /// 64-byte aligned loads, 8 rows at a time. Another order of additions than `sgemv`'s (Gemv.c),
  /// the same on AVX2 and AVX-512.
  public static let vectorProducts = FastPaths(rawValue: 1 << 11)

  /// With `.vectorProducts`: weights that serve many batch-1 forwards unchanged (a network that
  /// only plays) are packed once, one row per input, and each forward reads only the rows of the
  /// inputs that are not zero (a ReLU's zeros, about half). The same bits as without it (see
  /// `VectorProduct`).
  public static let zeroSkipping = FastPaths(rawValue: 1 << 12)

  /// With `.matrixProducts`: a dense layer's weight gradient dW += dyᵀ · x at batches up to 64
  /// skips the products of dy's zeros (behind a ReLU, the units that were off: about half), each a
  /// whole row dy[i, o] · x[i, …], and writes dW's rows in place, unpacked
  /// (`ckernels_dense_weight_gradient`, AVX2 and AVX-512). The same sums in the same order less
  /// steps that add ±0, so the same bits as without it (short of the sign of a zero sum after an
  /// underflow; see DenseGradient.c).
  public static let zeroSkippingGradient = FastPaths(rawValue: 1 << 13)

  /// With `.matrixProducts`: a dense layer's input gradient dx = dy · W skips, for each tile of
  /// the batch's rows (8 on AVX-512, 6 on AVX2), the outputs whose dy is zero in all of the tile's
  /// rows (behind a ReLU, the units that were off for all those samples: a quarter to a third of
  /// MinAtar's first dense layer's in a training run), each a whole row of W
  /// (`ckernels_dense_input_gradient`, AVX2 and AVX-512; taken where it skips an eighth of the steps
  /// or more). The same sums in the same order less steps that add ±0, so the same bits as without
  /// it (short of the sign of a zero sum after an underflow; see Gemm.c).
  public static let zeroSkippingInputGradient = FastPaths(rawValue: 1 << 14)

  /// With `.groupedInputGradient`: on AVX2 and AVX-512, strides 1 and 2, each group's fold sums
  /// each run of 8 image floats (16 on AVX-512) in a register, tap chain by tap chain
  /// (`ckernels_col2im_rows`), instead of adding tap by tap: the Nature network's second and third
  /// folds 120 → 43 and 137 → 45 µs a group on a Zen 4 (66 and 59 capped at AVX2). The same bits.
  public static let foldByRows = FastPaths(rawValue: 1 << 15)

  public static let all: FastPaths = [
    .matrixProducts, .implicitConvolution, .implicitWeightGradient, .groupedInputGradient, .packedWeights,
    .spaceToDepth, .inPlaceB, .inPlaceA, .transposedForward, .weightGradientByRows, .directConvolution,
    .vectorProducts, .zeroSkipping, .zeroSkippingGradient, .zeroSkippingInputGradient, .foldByRows,
  ]

  /// The names `dqn bench nn --without` takes, with their paths.
  public static let named: [(name: String, paths: FastPaths)] = [
    ("matrix-products", .matrixProducts), ("implicit-convolution", .implicitConvolution),
    ("implicit-weight-gradient", .implicitWeightGradient), ("grouped-input-gradient", .groupedInputGradient),
    ("packed-weights", .packedWeights), ("space-to-depth", .spaceToDepth), ("in-place-b", .inPlaceB),
    ("in-place-a", .inPlaceA), ("transposed-forward", .transposedForward),
    ("weight-gradient-by-rows", .weightGradientByRows), ("direct-convolution", .directConvolution),
    ("vector-products", .vectorProducts), ("zero-skipping", .zeroSkipping),
    ("zero-skipping-gradient", .zeroSkippingGradient), ("zero-skipping-input-gradient", .zeroSkippingInputGradient),
    ("fold-by-rows", .foldByRows),
  ]

  /// Every path where CKernels has vector kernels for this processor (AVX2 or AVX-512), where they
  /// measure faster than OpenBLAS; none elsewhere.
  public static var processorDefault: FastPaths { InstructionLevel.detected >= .avx2 ? .all : [] }

  private static let current = Atomic<Int>(processorDefault.rawValue)

  /// The paths layers built from now on use.
  public static var standard: FastPaths {
    get { FastPaths(rawValue: current.load(ordering: .relaxed)) }
    set { current.store(newValue.rawValue, ordering: .relaxed) }
  }

  public var description: String {
    let names = Self.named.filter { contains($0.paths) }.map(\.name)
    return names.isEmpty ? "none" : names.joined(separator: ", ")
  }
}
