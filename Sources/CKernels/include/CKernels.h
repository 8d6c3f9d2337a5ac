#ifndef CKERNELS_H
#define CKERNELS_H
#include <stddef.h>
#include <stdint.h>

/// The vector instruction sets the kernels are built for, narrowest first.
enum {
  /// Plain C, whatever the compiler makes of it for the baseline x86-64 (or another architecture).
  CKERNELS_GENERIC = 0,
  /// AVX2 with FMA (Haswell and later, Zen).
  CKERNELS_AVX2 = 1,
  /// AVX-512 F, BW, VL and DQ (Skylake-SP and later, Zen 4).
  CKERNELS_AVX512 = 2,
};

/// The operands of a matrix product that may be read where they are (ckernels_sgemm's `in_place`):
enum {
  /// A row-major B (not transposed), by the AVX-512 kernel, in products of few rows (Gemm.c).
  CKERNELS_IN_PLACE_B = 1,
  /// A (row-major or transposed), by the AVX2 and AVX-512 kernels, in products of few columns.
  CKERNELS_IN_PLACE_A = 2,
  /// The image, along its rows, in a weight gradient computed transposed
  /// (ckernels_convolution_weight_gradient).
  CKERNELS_IMAGE_ROWS = 4,
  /// Not an operand: a convolution's input gradient folds its columns an image row at a time
  /// (ckernels_convolution_input_gradient, ckernels_col2im_rows).
  CKERNELS_FOLD_BY_ROWS = 8,
};

/// The widest of the levels above this processor (and its operating system) supports, capped by
/// CKERNELS_MAX_LEVEL=generic|avx2|avx512 in the environment.
int ckernels_instruction_level(void);

/// Runs `iterations` rounds of independent fused multiply-adds on the widest vectors up to `level`
/// that the processor has, all in registers, and returns how many floating-point operations that
/// was (0 for the generic level, which has no such loop): timed, the core's multiply-add peak.
/// `result` receives a sum of the chains, so that the compiler keeps the work.
double ckernels_multiply_add_chains(int level, long iterations, float *result);

/// Adam's moment updates and step over n elements; moments below 1e-30 in magnitude become 0
/// (see Kernels.momentFloor in NeuralNetwork). Uses AVX2 when the processor has it.
void ckernels_adam(const float *gradient, float *value, float *first, float *second, size_t n,
                   float beta1, float beta2, float step_size, float inverse_root_correction,
                   float epsilon);

/// Starts loading the cache lines of [address, address + bytes) (a prefetch hint; reads nothing).
void ckernels_prefetch(const void *address, size_t bytes);

/// to[i] += from[i] for i < n, split over the threads for large n (the same bits on any count).
void ckernels_add(float *to, const float *from, size_t n);

/// A convolution's output gradient dy [N, F, P] as rows [F, N, P] (rows[f][n][p] = dy[n][f][p],
/// 0 where mask[n][f][p] ≤ 0 when mask is not NULL: a ReLU's backward from its output), each
/// filter's sum of what it wrote added to bias_gradient[f] (the order of additions: Kernels.c; the
/// same bits at every level, the widest of `level` and the processor's).
void ckernels_convolution_rows_gradient(int level, const float *dy, const float *mask, float *rows,
                                        float *bias_gradient, size_t filters, size_t batch, size_t plane);

/// A convolution's output [N, F, P] from its product [F, N, P]: to[n][f][p] = from[f][n][p] +
/// bias[f], then with `relu` 0 where that is ≤ 0, as Swift's max(x, 0) (-0 becomes 0, NaN stays).
/// `from` may be `to` when batch is 1. The widest vectors the processor has; the same bits on all.
void ckernels_add_bias_by_sample(const float *from, float *to, size_t filters, size_t batch, size_t plane,
                                 const float *bias, int relu);

/// RMSProp's (optionally centered) update over n elements, with the same flushing.
void ckernels_rmsprop(const float *gradient, float *value, float *square_average,
                      float *gradient_average, size_t n, float learning_rate, float decay,
                      float epsilon, int centered);

/// Unfolds an [N, C, H, W] batch into the transposed column matrix [C·kH·kW, N·outH·outW]
/// (taps outside the image are 0). See Im2Col.c.
void ckernels_im2col_transposed(const float *input, float *columns, int batch, int channels,
                                int height, int width, int kernel_height, int kernel_width,
                                int stride, int padding);

/// Folds a transposed column matrix back into [N, C, H, W] (overwritten), summing overlapping
/// taps. Uses `columns` as scratch: its contents are destroyed.
void ckernels_col2im_transposed(float *columns, float *output, int batch, int channels,
                                int height, int width, int kernel_height, int kernel_width,
                                int stride, int padding);

/// The same fold, bit for bit, an image row at a time (AVX2 or AVX-512, by `level`): each run of 8
/// image floats (16 with AVX-512) summed in a register, tap chain by tap chain, in the order
/// ckernels_col2im_transposed sums them; `columns` is left unchanged. Strides 1 and 2 (at most 128
/// image rows): returns 0, doing nothing, for other geometries or levels. The grouped input
/// gradient (ckernels_convolution_input_gradient) folds its columns this way where it applies.
int ckernels_col2im_rows(int level, const float *columns, float *output, int batch, int channels, int height,
                         int width, int kernel_height, int kernel_width, int stride, int padding);

/// Sets how many threads (the caller included) the matrix products below may split their columns
/// over; 1 (the default) keeps everything on the calling thread. Results are the same for any
/// count. See ThreadPool.c.
void ckernels_set_threads(int count);

/// The count ckernels_set_threads set.
int ckernels_threads(void);

/// Runs body(context, index) for every index in [0, count), spread over the threads, and returns
/// when all have run.
void ckernels_parallel_for(int count, void (*body)(void *context, int index), void *context);

/// `accumulate` of ckernels_sgemm and ckernels_sgemm_packed_b: 2 adds the product to zeros that C
/// does not hold yet (a gradient zeroed lazily), without reading C: the bits of 1 on a C of zeros
/// (0 + x, so a sum of -0 is stored as 0), less the pass that zeroes C and the loads of C.
#define CKERNELS_ONTO_ZEROS 2

/// Row-major C[m, n] = op(A)·op(B), plus C when `accumulate` (1, or CKERNELS_ONTO_ZEROS: C taken
/// as zeros and not read): A is [m, k] with row stride lda, or
/// [k, m] when transpose_a; B is [k, n] with row stride ldb, or [n, k] when transpose_b. Uses the
/// widest kernels up to `level` that the processor has; see Gemm.c for the summation order.
/// `in_place`, CKERNELS_IN_PLACE_* or'ed: operands the microkernel may read where they are instead
/// of packed copies, where that measures faster (the same bits either way).
void ckernels_sgemm(int level, int transpose_a, int transpose_b, int m, int n, int k, const float *a,
                    int lda, const float *b, int ldb, int in_place, int accumulate, float *c, int ldc);

/// How many floats ckernels_pack_b writes for a [k, n] B at `level`.
size_t ckernels_packed_b_floats(int level, int k, int n);

/// Packs B ([k, n] with row stride ldb, or [n, k] when transpose_b) the way ckernels_sgemm would for
/// every product with it, so that ckernels_sgemm_packed_b can skip that step (a layer whose weights
/// do not change between products). The packing depends on the level: use the same in both.
void ckernels_pack_b(int level, int transpose_b, int k, int n, const float *b, int ldb, float *packed);

/// ckernels_sgemm with B packed by ckernels_pack_b at the same level: the same results, bit for bit
/// (`in_place`: CKERNELS_IN_PLACE_A or 0).
void ckernels_sgemm_packed_b(int level, int transpose_a, int m, int n, int k, const float *a, int lda,
                             const float *packed, int in_place, int accumulate, float *c, int ldc);

/// output[F, N·outH·outW] = weights[F, C·kH·kW] · im2col(input) without forming the im2col
/// matrix: the product ckernels_im2col_transposed and ckernels_sgemm compute, packed straight from
/// the [N, C, H, W] input. The input must have fewer than 2³¹ elements. With `space_to_depth`
/// (stride > 1, no padding, AVX2 or AVX-512), the windows are packed from a space-to-depth copy
/// of the input made first (kept in a per-thread buffer): the same values in the same order, so
/// the same bits, with contiguous loads in place of gathers.
void ckernels_convolution_gemm(int level, const float *weights, int filters, const float *input,
                               int batch, int channels, int height, int width, int kernel_height,
                               int kernel_width, int stride, int padding, int space_to_depth,
                               int in_place, float *output);

/// output[N, F, outH, outW] = bias + weights[F, C·kH·kW] · im2col(input), then, with `relu`,
/// 0 where that is ≤ 0 (0 ≥ v ? 0 : v): ckernels_convolution_gemm followed by
/// ckernels_add_bias_by_sample, the same bits, computed directly. Each output position's filters are
/// the lanes of one register (at most 16 filters, stride 1: MinAtar's) or of pairs of registers
/// (more filters, or strides 2 and 4: the Nature network's), summed tap by tap with the image's
/// value broadcast from where it lies, and transposed in registers on the way out: nothing is
/// packed but the weights, and there is no separate pass for the bias. AVX2 has only pairs of
/// registers (16 filters, 4 to 6 positions along a row). Returns 0, doing nothing, where it does
/// not apply: below AVX2, padding, a stride of 3 or more than 4, output rows of one position (16
/// filters or fewer, stride 1, at most 256 taps, AVX-512) or of fewer than 6 (otherwise), and with
/// AVX2 rows cut into tiles of 4 positions (rows of 7 or 8) for more than 16 filters.
///
/// `packed_weights`: NULL, or a caller's buffer of ckernels_convolution_direct_packed_floats(filters,
/// taps) floats that keeps the weights as the tiles read them from one call to the next; with
/// `weights_unchanged` (the caller's promise that `weights` hold what they held at the buffer's
/// last call) they are packed again only where the layout differs (another level or tile width).
int ckernels_convolution_direct(int level, const float *weights, int filters, const float *bias, int relu,
                                const float *input, int batch, int channels, int height, int width,
                                int kernel_height, int kernel_width, int stride, int padding, float *output,
                                float *packed_weights, int weights_unchanged);
/// Floats of ckernels_convolution_direct's `packed_weights` for `filters` filters of `taps` taps.
size_t ckernels_convolution_direct_packed_floats(int filters, int taps);

/// weight_gradient[F, C·kH·kW] += rows_gradient[F, N·outH·outW] · im2col(input)ᵀ without forming
/// the im2col matrix (a convolution's weight gradient; rows_gradient is the output gradient with
/// filters outermost). With CKERNELS_IMAGE_ROWS in `in_place`, a stride-1 convolution without
/// padding computes it transposed, dWᵀ += im2col(input) · rows_gradientᵀ, reading the image in
/// place along its rows (AVX2 and AVX-512): the same bits (see Gemm.c).
void ckernels_convolution_weight_gradient(int level, const float *rows_gradient, int filters,
                                          const float *input, int batch, int channels, int height,
                                          int width, int kernel_height, int kernel_width, int stride,
                                          int padding, int in_place, float *weight_gradient);

/// input_gradient[N, C, H, W] = col2im(weightsᵀ · rows_gradient) (a convolution's input gradient),
/// a few samples at a time so that each group's column gradient is folded back while it is in
/// cache (with CKERNELS_FOLD_BY_ROWS in `in_place`, by ckernels_col2im_rows where it takes the
/// geometry, else ckernels_col2im_transposed: the same bits); groups run on the threads (they
/// write different images). With CKERNELS_IN_PLACE_A, the weights (A = Wᵀ) are read where they
/// are, not packed for every group: the same bits. Returns 0, doing nothing, when
/// one sample's column gradient is larger than the per-thread buffer (1 MB).
int ckernels_convolution_input_gradient(int level, const float *weights, int filters,
                                        const float *rows_gradient, int batch, int channels,
                                        int height, int width, int kernel_height, int kernel_width,
                                        int stride, int padding, int in_place, float *input_gradient);
/// dw[outputs, inputs] = dyᵀ · x, plus dw when `accumulate` (1, or CKERNELS_ONTO_ZEROS), for dy
/// [batch, outputs] and x [batch, inputs], both row-major (a dense layer's weight gradient),
/// skipping the products of dy's zeros: the bits of ckernels_sgemm(level, 1, 0, outputs, inputs,
/// batch, dy, outputs, x, inputs, …, accumulate, dw, inputs) at the same level (DenseGradient.c).
/// Returns 0, doing nothing, below AVX2, for batches over 64 or over 4096 outputs, and where less
/// than a quarter of dy is zero (the product is as fast there).
int ckernels_dense_weight_gradient(int level, int outputs, int inputs, int batch, const float *dy,
                                   const float *x, int accumulate, float *dw);

/// dx[batch, inputs] = dy · w, plus dx when `accumulate` (1, or CKERNELS_ONTO_ZEROS), for dy
/// [batch, outputs] and w [outputs, inputs], both row-major (a dense layer's input gradient), skipping
/// the steps of the shared dimension (the outputs) where a tile's rows of dy are all zero (behind a
/// ReLU, the units that were off for every sample of the tile: a quarter to a third of them in a
/// MinAtar run) and w's row is finite: the bits of ckernels_sgemm(level, 0, 0, batch, inputs,
/// outputs, dy, outputs, w, inputs, …, accumulate, dx, inputs) at the same level (Gemm.c, where the
/// sign of a zero sum is the one exception). Returns 0, doing nothing, below AVX2 and where fewer
/// than an eighth of the steps would be skipped.
int ckernels_dense_input_gradient(int level, int batch, int inputs, int outputs, const float *dy,
                                  const float *w, int accumulate, float *dx);

/// y[j] += Σ_p w[j·k + p] · x[p] for j < n (a dense layer's batch-1 forward, y holding the bias),
/// summed in the order Gemv.c describes: 16 lane sums over p ≡ l (mod 16), then a tree. AVX2 and
/// AVX-512 give the same bits. Returns 0, doing nothing, below AVX2 (OpenBLAS's sgemv serves there).
int ckernels_gemv(int level, int n, int k, const float *w, const float *x, float *y);

/// How many 64-bit words ckernels_gemv_packed needs as scratch for k inputs.
size_t ckernels_gemv_scratch_words(int k);

/// How many floats ckernels_pack_gemv writes for an [n, k] w at `level` (0 below AVX2).
size_t ckernels_gemv_packed_floats(int level, int n, int k);

/// Packs w ([n, k], row-major) for ckernels_gemv_packed at `level` (Gemv.c: groups of outputs, one
/// row per input, rows by lane class). `packed` should start on a 64-byte boundary. Returns 0,
/// doing nothing, below AVX2.
int ckernels_pack_gemv(int level, int n, int k, const float *w, float *packed);

/// ckernels_gemv from w packed by ckernels_pack_gemv at the same level, reading only the rows of
/// inputs that are not zero: the same bits as ckernels_gemv for finite weights (but that a sum that
/// is exactly -0 may come out +0). Returns 0, doing nothing, below AVX2.
int ckernels_gemv_packed(int level, int n, int k, const float *packed, const float *x, float *y, uint64_t *scratch);
#endif
