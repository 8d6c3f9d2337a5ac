// What the matrix-product driver (Gemm.c) needs from each instruction level: the register tile of
// its microkernel, the cache blocks around it, and the microkernel itself (GemmAVX512.c,
// GemmAVX2.c, GemmGeneric.c). Private to CKernels.
#ifndef CKERNELS_GEMM_KERNELS_H
#define CKERNELS_GEMM_KERNELS_H
#include <stddef.h>

// The largest tiles and blocks of any level: the packing buffers are sized for these.
#define GEMM_MAX_MR 8
#define GEMM_MAX_NR 32
#define GEMM_MAX_MC 128
#define GEMM_MAX_KC 256
#define GEMM_MAX_NC 1024

// A matrix with element (r, c) at data[r·row_stride + c·column_stride]: row-major when
// column_stride is 1, a transposed row-major matrix when row_stride is 1.
typedef struct {
  const float *data;
  ptrdiff_t row_stride, column_stride;
} gemm_matrix;

// An im2col matrix that is never formed: element (tap, position) of the transposed column matrix
// [C·kH·kW, N·outH·outW] of an [N, C, H, W] input (Im2Col.c describes the layout).
//
// `depth`, when not NULL, is the same input rearranged space-to-depth by the stride s (Gemm.c,
// without padding only): [N, C·s·s, depth_height = ⌈H/s⌉, depth_width = ⌈W/s⌉], pixel (c, y, x)
// at channel (c·s + y mod s)·s + x mod s, row y/s, column x/s. There, the windows of one output
// row start at consecutive floats for every tap, so the forward packers load them as runs
// instead of gathering every s-th float; the values packed, and their order, are the same.
typedef struct {
  const float *input;
  int batch, channels, height, width, kernel_height, kernel_width, stride, padding;
  int output_height, output_width;
  const float *depth;
  int depth_height, depth_width;
} gemm_convolution;

// C[MR, NR] tile: c[i·ldc + j] (+)= Σ_p a[p·MR + i] · b[p·ldb + j] over p < kc (no alignment
// assumed: B may be a layer's packed weights in a Swift array), for i < rows and
// j < columns. `a` is a packed sliver, zero beyond the matrix's last row; `b` a packed sliver
// (ldb = NR, zero beyond the last column) or NR whole columns of a row-major B read in place
// (ldb its row stride). Each element's products are summed in order of p, then added to C when
// `accumulate` (1; 2: added to zeros C does not hold, C not read: the bits of 1 on a zeroed C),
// so the result does not depend on how the caller splits the rows and columns (or
// over how many threads), nor on whether B was packed.
typedef void (*gemm_microkernel)(int kc, const float *a, const float *b, ptrdiff_t ldb, float *c,
                                 ptrdiff_t ldc, int accumulate, int rows, int columns);

// The same tile with A read where it is: element (i, p) at a[i·a_row_stride + p·a_column_stride]
// (a row-major A's rows, or a transposed one's columns); rows past `rows` are not read. The same
// sums as the packed kernel's, bit for bit.
typedef void (*gemm_microkernel_in_place_a)(int kc, const float *a, ptrdiff_t a_row_stride,
                                            ptrdiff_t a_column_stride, const float *b, ptrdiff_t ldb,
                                            float *c, ptrdiff_t ldc, int accumulate, int rows, int columns);

// The packed kernel's tile with B's rows picked out of a matrix: step p reads B's row at
// b_rows[p] + b_column (b_rows holds kc + 8 pointers: the 8 past kc are only prefetched). A product
// that skips steps whose products are all ±0 (ckernels_dense_input_gradient) passes the rows of
// the steps it keeps, so its sums are the packed kernel's less those steps.
typedef void (*gemm_microkernel_b_rows)(int kc, const float *a, const float *const *b_rows, ptrdiff_t b_column,
                                        float *c, ptrdiff_t ldc, int accumulate, int rows, int columns);

// A run of the shared dimension over which A's rows are read at consecutive floats: steps p of
// the run read element start + p of each row (ckernels_convolution_weight_gradient's image rows).
typedef struct {
  ptrdiff_t start;
  int length;
} gemm_segment;

// The same tile with A read in place in segments (each at least one step long, kc steps in all):
// element (i, p) of A, p the step's place in the runs taken one after another, at
// a[row_offset[i] + segment's start + p's place in its run]. All the runs are summed in registers,
// then added to C, so the sums are those of one product whose shared dimension is the runs
// together.
typedef void (*gemm_microkernel_segments)(int kc, int segments, const gemm_segment *segment, const float *a,
                                          const int *row_offset, const float *b, ptrdiff_t ldb, float *c,
                                          ptrdiff_t ldc, int rows, int columns);

// Packs rows [i0, i0 + mc) × columns [k0, k0 + kc) of A into slivers of mr rows (sliver s at
// dst + s·mr·kc, element (i, p) at [p·mr + i], zero rows past the last).
// A weight gradient's tile of `groups` kernel rows of 3 taps (at most GEMM_KERNEL_ROW_GROUPS), for
// at most 16 filters (C's columns) and a stride-1 image: tap 3g + k of the tile reads
// a[group_offset[g] + k + the step's place], so a kernel row's three taps share one pointer and
// three times the rows fit in the registers. Otherwise kernel_segments' tile, with the same sums.
#define GEMM_KERNEL_ROW_GROUPS 6
typedef void (*gemm_microkernel_kernel_rows)(int kc, int segments, const gemm_segment *segment, const float *a,
                                             const int *group_offset, int groups, const float *b, ptrdiff_t ldb,
                                             float *c, ptrdiff_t ldc, int columns);

typedef void (*gemm_a_packer)(const gemm_matrix *a, int i0, int mc, int k0, int kc, int mr, float *dst);

// Packs rows [k0, k0 + kc) × columns [j0, j0 + nc) of B into slivers of nr columns (sliver t at
// dst + t·nr·kc, element (p, j) at [p·nr + j], zero columns past the last).
typedef void (*gemm_b_packer)(const gemm_matrix *b, int k0, int kc, int j0, int nc, int nr, float *dst);

// The same for an im2col matrix [taps, positions] (`transposed`: its transpose [positions, taps],
// the B of a weight gradient).
typedef void (*gemm_convolution_packer)(const gemm_convolution *source, int k0, int kc, int j0,
                                        int nc, int nr, float *dst);

// Copies one image row of `width` floats space-to-depth by q: float x to
// first[(x mod q)·depth_plane + x/q] (GemmKernels.h's layout, `first` at the row's place in
// column class 0).
typedef void (*gemm_depth_row_copier)(const float *row, int width, int q, float *first, ptrdiff_t depth_plane);

// A direct convolution (no padding): each output position's filters are the lanes of one register
// or a few (16 filters each), summed over the taps with the image's value broadcast from where it
// lies (no window is packed), then transposed in registers to the [N, F, outH·outW] output with
// the bias and ReLU added on the way. Two kinds of tiles:
// - narrow (stride 1, at most 16 filters, at most a KC block of taps): with output rows of at most
//   16 positions, 16 / outW whole rows of one sample (the last tile of a sample may have fewer);
//   with longer rows, 16 consecutive positions of one row (the last of a row shifted back to end
//   at the row's end, storing only the positions it adds);
// - wide (strides 1, 2 and 4; output rows of at least 6 positions): `positions` (6 to 12; 4 to 6
//   with AVX2) consecutive positions of one row × 32 filters (16 with AVX2; a pair of registers),
//   the last tile of a row shifted back the same way; the taps in KC blocks of `block`, each
//   block's sums added to the blocks' before, as the packed product adds them to C.
typedef struct {
  const float *input;
  int channels, height, width, output_height, output_width, filters, taps, relu;
  int stride, block;
  int positions;                        // wide tiles: positions per tile (0: narrow tiles)
  int tiles_per_sample, tiles_per_row;  // tiles_per_row: tiles along one output row
  const int *tap_offset;                // tap p's offset from a window's corner
  // Narrow: [taps, 16]; wide: [⌈F / lanes⌉ pairs][taps, lanes] (lanes: the level's direct_lanes, 32
  // or 16): tap p's weights of the filters, zeros past F.
  const float *packed_weights;
  const float *bias;
  float *output;
} gemm_direct_convolution;
// Computes tiles [first, first + count) (numbered across the samples).
typedef void (*gemm_direct_tiles)(const gemm_direct_convolution *d, int first, int count);
// Packs a direct convolution's weights [F, taps] as gemm_direct_convolution's packed_weights for
// `lanes` (16 or 32) filters per group: [⌈F / lanes⌉][taps, lanes], zeros past F.
typedef void (*gemm_direct_weights_packer)(const float *weights, int filters, int taps, int lanes, float *packed);
typedef struct {
  int mr, nr, mc, kc, nc;
  // Products of at most this many rows read a row-major B in place (Gemm.c's b_operand); 0: never.
  int in_place_rows;
  // Products of at most this many columns (few B slivers pass over each packed A block, so packing
  // A costs more than it saves) read A in place with kernel_in_place_a; 0: never.
  int in_place_a_columns;
  gemm_microkernel kernel;
  gemm_microkernel_in_place_a kernel_in_place_a;  // NULL: A is always packed
  gemm_microkernel_b_rows kernel_b_rows;          // NULL: no product that skips steps
  // The product that skips steps packs B's column blocks first (its tables then point into the
  // packed slivers) instead of reading B's rows where they lie, where B's rows of a KC block hold
  // at most this many floats; 0: never.
  int skipping_packs_b;
  int (*all_finite)(const float *x, int count);   // whether x[0 … count) holds no ∞ or NaN
  gemm_microkernel_segments kernel_segments;      // NULL: no weight gradient by image rows
  gemm_microkernel_kernel_rows kernel_rows;       // NULL: kernel_segments for every tile
  gemm_a_packer pack_a;
  gemm_b_packer pack_b;
  gemm_convolution_packer pack_convolution, pack_convolution_transposed;
  gemm_depth_row_copier space_to_depth_row;  // NULL: the level's packers do not read copies
  gemm_direct_tiles direct_convolution;       // NULL: no direct convolution
  gemm_direct_weights_packer pack_direct_weights;  // with direct_convolution
  // Wide tiles' filters (two registers' lanes) and most positions; narrow tiles only where 32
  // (AVX-512: its 16-lane registers hold 16 positions' sums).
  int direct_lanes, direct_positions;
  // col2im an image row at a time (gemm_col2im_rows_avx2 or _avx512): the input gradient's fold,
  // the bits of ckernels_col2im_transposed's; where NULL, or for a geometry it returns 0 for, that.
  int (*col2im_rows)(const float *columns, ptrdiff_t row_length, float *output, int batch, int channels,
                     int height, int width, int kernel_height, int kernel_width, int stride, int padding);
} gemm_level;

extern const gemm_level gemm_level_generic;
#if defined(__x86_64__) && defined(__clang__)
// ckernels_col2im_transposed's output, bit for bit, computed an image row at a time with AVX2
// (Im2Col.c), from `columns` whose tap rows are `row_length` floats apart (left unchanged). Strides
// 1 and 2; returns 0, doing nothing, for other geometries.
int gemm_col2im_rows_avx2(const float *columns, ptrdiff_t row_length, float *output, int batch,
                          int channels, int height, int width, int kernel_height, int kernel_width,
                          int stride, int padding);
// The same with AVX-512 (runs of 16 floats).
int gemm_col2im_rows_avx512(const float *columns, ptrdiff_t row_length, float *output, int batch,
                            int channels, int height, int width, int kernel_height, int kernel_width,
                            int stride, int padding);
extern const gemm_level gemm_level_avx2;
extern const gemm_level gemm_level_avx512;
#endif

// Lanes of an im2col sliver whose input offsets go up by one from lane to lane, as runs: a run
// loads with one masked load instead of a gather. Without padding, a window's row (stride 1) or a
// tap row (the kernel's width) is such a run.
// Up to 8: 16 taps of a 3-wide kernel (MinAtar's) span 6 tap rows; with 4, they were gathered.
#define GEMM_MAX_RUNS 8
typedef struct {
  int count;                         // 0 when more than GEMM_MAX_RUNS runs would be needed
  unsigned mask[GEMM_MAX_RUNS];      // the run's lanes, one bit each
  ptrdiff_t origin[GEMM_MAX_RUNS];   // the offset lane 0 would read if the run reached down to it
} gemm_runs;

// The runs of the `lanes` set in `bits`, whose offsets are offset[0 … lanes).
gemm_runs gemm_find_runs(const int *offset, unsigned bits, int lanes);

// The forward packers' view of a convolution: itself, or, with a space-to-depth copy, a stride-1
// convolution over that copy (whose windows' corners are what the packers need; its taps are
// still the original's, at the offsets gemm_tap_offsets gives).
gemm_convolution gemm_window_view(const gemm_convolution *s);

// offsets[p] = where tap k0 + p of every window lies relative to the window's corner in the view's
// input, for p < kc.
void gemm_tap_offsets(const gemm_convolution *s, int k0, int kc, int *offsets);

// The plain-C packers every level can use (GemmPacking.c).
void gemm_pack_a_generic(const gemm_matrix *a, int i0, int mc, int k0, int kc, int mr, float *dst);
void gemm_pack_b_generic(const gemm_matrix *b, int k0, int kc, int j0, int nc, int nr, float *dst);
void gemm_pack_convolution_generic(const gemm_convolution *source, int k0, int kc, int j0, int nc,
                                   int nr, float *dst);
void gemm_space_to_depth_row_generic(const float *row, int width, int q, float *first, ptrdiff_t depth_plane);
// Fills `to` with s.input's space-to-depth copy (s.depth_height and depth_width set, s.depth
// ignored), a row at a time: the places of pixels past the image's last full row or column stay
// unset, as no window reads them.
void gemm_space_to_depth(const gemm_convolution *s, gemm_depth_row_copier copy_row, float *to);
void gemm_pack_convolution_transposed_generic(const gemm_convolution *source, int k0, int kc, int j0,
                                              int nc, int nr, float *dst);
#endif
