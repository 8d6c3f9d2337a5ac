// Single-precision matrix products for the layers' shapes, and convolutions as implicit matrix
// products (the im2col matrix is packed straight from the image, never formed).
//
// The loops are the usual cache blocking (Goto and van de Geijn; BLIS): columns of C in blocks of
// NC, the shared dimension in blocks of KC, rows in blocks of MC; each block of B is packed into
// slivers of NR columns and each block of A into slivers of MR rows, and a microkernel multiplies
// one A sliver by one B sliver into an MR×NR tile of C held in registers. The packed B block stays
// in the L2 cache while every A sliver passes over it; one B sliver stays in L1 while the A slivers
// pass.
//
// Every element of C is its K products summed in order within each KC block, the blocks added to C
// one after another: the same whatever the matrix sizes around it, the split of the columns over
// threads, or the tile it falls in. Results differ from OpenBLAS's in the last bits (another
// summation order), and between instruction levels (fused multiply-adds or not).
#include "CKernels.h"
#include "GemmKernels.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

// The B operand: a matrix, an im2col matrix, the transpose of one, or a matrix packed beforehand
// (ckernels_pack_b: its slivers of nr columns one after another, each all K rows by nr).
// `in_place`: a row-major matrix's whole slivers are read where they are, not packed (only the
// last, narrower sliver of a block is): its rows of nr floats are already what the microkernel
// loads, so packing them is a copy. Taken for products of few rows (the level's in_place_rows:
// AVX-512's only), where few A slivers pass over each B sliver: a dense layer's dx = dy·W at
// batch 32.
typedef struct {
  const gemm_matrix *matrix;
  const gemm_convolution *convolution;
  int transposed_convolution;
  const float *packed;
  int in_place;
} b_operand;

static const gemm_level *level_for(int level) {
#if defined(__x86_64__) && defined(__clang__)
  if (level >= CKERNELS_AVX512 && ckernels_instruction_level() >= CKERNELS_AVX512) return &gemm_level_avx512;
  if (level >= CKERNELS_AVX2 && ckernels_instruction_level() >= CKERNELS_AVX2) return &gemm_level_avx2;
#endif
  (void)level;
  return &gemm_level_generic;
}

// ---- Packing buffers ------------------------------------------------------------------------------

// One set per thread, allocated on its first product and kept (freed when the thread exits): the
// products themselves allocate nothing. `columns` holds a few samples' column gradients
// (ckernels_convolution_input_gradient), allocated on its first use; `depth` a convolution input's
// space-to-depth copy (ckernels_convolution_gemm), grown to the largest input it has held;
// `transposed` a weight gradient transposed (weight_gradient_by_rows), and `direct` a direct
// convolution's tap offsets and, where the caller keeps no packed weights of its own, its packed
// weights, grown the same way. ckernels_dense_input_gradient packs B's blocks into `b` (AVX2).
#define COLUMN_BUFFER_FLOATS (1 << 18)
typedef struct {
  float *a, *b, *columns, *depth, *transposed, *direct;
  size_t depth_floats, transposed_floats, direct_floats;
  const float **b_rows;  // ckernels_dense_input_gradient's rows of B, allocated on its first use
} packing_buffers;

static pthread_key_t buffers_key;
static pthread_once_t buffers_once = PTHREAD_ONCE_INIT;

static void free_buffers(void *pointer) {
  packing_buffers *buffers = pointer;
  free(buffers->a);
  free(buffers->b);
  free(buffers->columns);
  free(buffers->depth);
  free(buffers->transposed);
  free(buffers->direct);
  free(buffers->b_rows);
  free(buffers);
}

static void make_buffers_key(void) { pthread_key_create(&buffers_key, free_buffers); }

static packing_buffers *thread_buffers(void) {
  pthread_once(&buffers_once, make_buffers_key);
  packing_buffers *buffers = pthread_getspecific(buffers_key);
  if (buffers == NULL) {
    buffers = calloc(1, sizeof *buffers);
    if (buffers == NULL ||
        posix_memalign((void **)&buffers->a, 64, sizeof(float) * GEMM_MAX_MC * GEMM_MAX_KC) != 0 ||
        posix_memalign((void **)&buffers->b, 64, sizeof(float) * GEMM_MAX_KC * GEMM_MAX_NC) != 0)
      abort();  // Out of memory for 1.1 MB: nothing sensible left to do.
    pthread_setspecific(buffers_key, buffers);
  }
  return buffers;
}

// Grows one of the buffers above to at least `floats` (what it held is not kept).
static void grow_buffer(float **buffer, size_t *size, size_t floats) {
  if (*size >= floats) return;
  free(*buffer);
  *buffer = NULL;
  *size = 0;
  if (posix_memalign((void **)buffer, 64, sizeof(float) * floats) != 0) abort();
  *size = floats;
}

static void pack_b(const gemm_level *l, const b_operand *b, int k0, int kc, int j0, int nc, float *dst) {
  if (b->matrix != NULL) l->pack_b(b->matrix, k0, kc, j0, nc, l->nr, dst);
  else if (b->transposed_convolution) l->pack_convolution_transposed(b->convolution, k0, kc, j0, nc, l->nr, dst);
  else l->pack_convolution(b->convolution, k0, kc, j0, nc, l->nr, dst);
}

// ---- The blocked product --------------------------------------------------------------------------

// C[m, n] (+)= A[m, k] · B[k, j0 … j0 + n) on the calling thread. `a_in_place`: the microkernel
// reads A where it is instead of packed slivers, when the level has such a kernel and the product
// has few columns (its in_place_a_columns): then few B slivers pass over each A block, and packing
// it costs more than the strided loads (the same bits either way).
static void gemm_serial(const gemm_level *l, int m, int n, int k, const gemm_matrix *a, int a_in_place,
                        const b_operand *b, int j0, int accumulate, float *c, ptrdiff_t ldc) {
  packing_buffers *buffers = thread_buffers();
  const int in_place = b->in_place && b->matrix != NULL && b->matrix->column_stride == 1 && m <= l->in_place_rows;
  const int a_direct = a_in_place && l->kernel_in_place_a != NULL && n <= l->in_place_a_columns;
  for (int jc = 0; jc < n; jc += l->nc) {
    const int nc = n - jc < l->nc ? n - jc : l->nc;
    // Slivers before `whole` are read in place; the rest come from `block`, sliver_size apart.
    const int whole = in_place ? nc / l->nr * l->nr : 0;
    for (int pc = 0; pc < k; pc += l->kc) {
      const int kc = k - pc < l->kc ? k - pc : l->kc;
      const int add = pc > 0 ? 1 : accumulate;
      // Sliver jr of the block: in the packing buffer, or rows pc … of a packed matrix's sliver.
      const float *block = buffers->b;
      ptrdiff_t sliver_size = (ptrdiff_t)kc * l->nr;
      if (b->packed != NULL) {
        block = b->packed + (ptrdiff_t)(j0 + jc) / l->nr * k * l->nr + (ptrdiff_t)pc * l->nr;
        sliver_size = (ptrdiff_t)k * l->nr;
      } else if (whole < nc) {
        pack_b(l, b, pc, kc, j0 + jc + whole, nc - whole, buffers->b);
      }
      const float *rows_in_place = in_place ? b->matrix->data + pc * b->matrix->row_stride + j0 + jc : NULL;
      for (int ic = 0; ic < m; ic += l->mc) {
        const int mc = m - ic < l->mc ? m - ic : l->mc;
        if (!a_direct) l->pack_a(a, ic, mc, pc, kc, l->mr, buffers->a);
        for (int jr = 0; jr < nc; jr += l->nr) {
          const int columns = nc - jr < l->nr ? nc - jr : l->nr;
          const float *sliver = jr < whole ? rows_in_place + jr : block + (jr - whole) / l->nr * sliver_size;
          const ptrdiff_t ldb = jr < whole ? b->matrix->row_stride : l->nr;
          for (int ir = 0; ir < mc; ir += l->mr) {
            const int rows = mc - ir < l->mr ? mc - ir : l->mr;
            float *tile = c + (ic + ir) * ldc + jc + jr;
            if (a_direct)
              l->kernel_in_place_a(kc, a->data + (ic + ir) * a->row_stride + pc * a->column_stride, a->row_stride,
                                   a->column_stride, sliver, ldb, tile, ldc, add, rows, columns);
            else
              l->kernel(kc, buffers->a + (ptrdiff_t)ir * kc, sliver, ldb, tile, ldc, add, rows, columns);
          }
        }
      }
    }
  }
}

// A product split into parts of `rows` rows or `columns` columns, one per thread.
typedef struct {
  const gemm_level *level;
  int m, n, k, rows, columns;
  const gemm_matrix *a;
  int a_in_place;
  const b_operand *b;
  int accumulate;
  float *c;
  ptrdiff_t ldc;
} gemm_job;

static void gemm_part(void *context, int index) {
  const gemm_job *job = context;
  const int i0 = job->rows < job->m ? index * job->rows : 0;
  const int j0 = job->columns < job->n ? index * job->columns : 0;
  const int m = job->m - i0 < job->rows ? job->m - i0 : job->rows;
  const int n = job->n - j0 < job->columns ? job->n - j0 : job->columns;
  const gemm_matrix a = {job->a->data + i0 * job->a->row_stride, job->a->row_stride, job->a->column_stride};
  gemm_serial(job->level, m, n, job->k, &a, job->a_in_place, job->b, j0, job->accumulate, job->c + i0 * job->ldc + j0,
              job->ldc);
}

// Products below this many multiply-adds stay on one thread. Split, the MinAtar network's 4M
// products gained at best and lost more often (a worker descheduled on a busy machine holds up
// the caller); the Nature network's, from 25M, run 1.7 times as fast on two free cores.
#define PARALLEL_MULTIPLY_ADDS (1 << 23)
#define PARTS_PER_THREAD 4

static void gemm(const gemm_level *l, int m, int n, int k, const gemm_matrix *a, int a_in_place,
                 const b_operand *b, int accumulate, float *c, ptrdiff_t ldc) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (accumulate != 1)
      for (int i = 0; i < m; i++) memset(c + i * ldc, 0, sizeof(float) * (size_t)n);
    return;
  }
  const int threads = ckernels_threads();
  if (threads > 1 && (double)m * n * k >= PARALLEL_MULTIPLY_ADDS) {
    // Split the columns in whole slivers when there are enough of them, else the rows; in
    // PARTS_PER_THREAD parts per thread, claimed as threads come free, so that a thread the
    // system holds up (a busy machine) delays the product by a small part only.
    gemm_job job = {l, m, n, k, m, n, a, a_in_place, b, accumulate, c, ldc};
    const int slivers = (n + l->nr - 1) / l->nr, tiles = (m + l->mr - 1) / l->mr;
    const int wanted = threads * PARTS_PER_THREAD;
    int parts = 1;
    if (slivers >= threads || slivers >= tiles) {
      parts = slivers < wanted ? slivers : wanted;
      job.columns = (slivers + parts - 1) / parts * l->nr;
      parts = (n + job.columns - 1) / job.columns;
    } else {
      parts = tiles < wanted ? tiles : wanted;
      job.rows = (tiles + parts - 1) / parts * l->mr;
      parts = (m + job.rows - 1) / job.rows;
    }
    if (parts > 1) {
      ckernels_parallel_for(parts, gemm_part, &job);
      return;
    }
  }
  gemm_serial(l, m, n, k, a, a_in_place, b, 0, accumulate, c, ldc);
}

// ---- Entry points ---------------------------------------------------------------------------------

void ckernels_sgemm(int level, int transpose_a, int transpose_b, int m, int n, int k, const float *a,
                    int lda, const float *b, int ldb, int in_place, int accumulate, float *c, int ldc) {
  const gemm_matrix am = {a, transpose_a ? 1 : lda, transpose_a ? lda : 1};
  const gemm_matrix bm = {b, transpose_b ? 1 : ldb, transpose_b ? ldb : 1};
  const b_operand bo = {&bm, NULL, 0, NULL, (in_place & CKERNELS_IN_PLACE_B) != 0};
  gemm(level_for(level), m, n, k, &am, (in_place & CKERNELS_IN_PLACE_A) != 0, &bo, accumulate, c, ldc);
}

size_t ckernels_packed_b_floats(int level, int k, int n) {
  const gemm_level *l = level_for(level);
  return (size_t)((n + l->nr - 1) / l->nr) * (size_t)l->nr * (size_t)(k > 0 ? k : 0);
}

void ckernels_pack_b(int level, int transpose_b, int k, int n, const float *b, int ldb, float *packed) {
  const gemm_level *l = level_for(level);
  const gemm_matrix bm = {b, transpose_b ? 1 : ldb, transpose_b ? ldb : 1};
  if (k > 0 && n > 0) l->pack_b(&bm, 0, k, 0, n, l->nr, packed);
}

void ckernels_sgemm_packed_b(int level, int transpose_a, int m, int n, int k, const float *a, int lda,
                             const float *packed, int in_place, int accumulate, float *c, int ldc) {
  const gemm_matrix am = {a, transpose_a ? 1 : lda, transpose_a ? lda : 1};
  const b_operand bo = {NULL, NULL, 0, packed, 0};
  gemm(level_for(level), m, n, k, &am, (in_place & CKERNELS_IN_PLACE_A) != 0, &bo, accumulate, c, ldc);
}

// ---- A product that skips A's zero columns -----------------------------------------------------------

// ckernels_dense_input_gradient: C[m, n] (+)= A[m, k] · B[k, n], all row-major (dx = dy · W), as
// gemm_serial computes it with A packed, less the steps whose products are all ±0 for a sliver of A:
// A's column in the sliver's rows is zero and B's row finite (0 · ∞ is NaN). Each sliver packs only
// the steps it keeps, and the microkernel reads B's rows of those steps where they lie
// (kernel_b_rows), or, where the level packs them (skipping_packs_b: AVX2, blocks of W that stay
// in L2), in slivers packed as the product packs them. A step skipped would have added ±0 to the
// sums, which leaves a sum as it was unless it is -0 and the product +0 (-0 + +0 is +0): a sum
// starts at +0, and becomes -0 only where a product too small for a float underflows to it, so on
// any weights and gradients of a network the bits are gemm_serial's.
#define SKIPPING_MAX_SLIVERS (GEMM_MAX_MC / 4)
#define SKIPPING_TABLE (GEMM_MAX_KC + 8)

// Keeps the steps of a packed sliver (`kc` steps of MR_ values) that are not all zero or whose
// row of B is not finite, moved down in order; writes their B rows to `table` and returns how many.
#define COMPACT_SLIVER(MR_)                                                                                  \
  for (int p = 0; p < kc; p++) {                                                                           \
    int zero = 1;                                                                                          \
    for (int i = 0; i < MR_; i++) zero &= packed[p * MR_ + i] == 0; /* NaN is not zero */                  \
    const float *row = b + (ptrdiff_t)(pc + p) * ldb + j0;                                                 \
    if (zero) {                                                                                            \
      if (finite[p] < 0) finite[p] = (signed char)l->all_finite(row, n);                                   \
      if (finite[p]) continue;                                                                             \
    }                                                                                                      \
    if (count != p) memcpy(packed + count * MR_, packed + p * MR_, sizeof(float) * MR_);                   \
    table[count++] = packs_b ? packed_b + (ptrdiff_t)p * l->nr : row;                                      \
  }

static void skipping_serial(const gemm_level *l, int m, int n, int k, const float *a, const float *b, ptrdiff_t ldb,
                            int j0, int accumulate, float *c, ptrdiff_t ldc) {
  packing_buffers *buffers = thread_buffers();
  if (buffers->b_rows == NULL) {
    buffers->b_rows = malloc(sizeof(float *) * SKIPPING_MAX_SLIVERS * SKIPPING_TABLE);
    if (buffers->b_rows == NULL) abort();  // Out of memory for 67 KB.
  }
  const gemm_matrix am = {a, k, 1}, bm = {b, ldb, 1};
  // With skipping_packs_b, B's column blocks packed as the product packs them: the tables point
  // into the first sliver, and a sliver's steps lie kc·nr floats after the one before.
  const int packs_b = l->skipping_packs_b > 0 && (double)(k < l->kc ? k : l->kc) * n <= l->skipping_packs_b;
  float *packed_b = buffers->b;
  signed char finite[GEMM_MAX_KC];  // B's row of each step over the columns: -1 not looked at yet
  int kept[SKIPPING_MAX_SLIVERS];
  for (int pc = 0; pc < k; pc += l->kc) {
    const int kc = k - pc < l->kc ? k - pc : l->kc;
    const int add = pc > 0 ? 1 : accumulate;
    memset(finite, -1, sizeof finite);
    for (int ic = 0; ic < m; ic += l->mc) {
      const int mc = m - ic < l->mc ? m - ic : l->mc;
      l->pack_a(&am, ic, mc, pc, kc, l->mr, buffers->a);
      for (int ir = 0, s = 0; ir < mc; ir += l->mr, s++) {
        float *packed = buffers->a + (ptrdiff_t)ir * kc;
        const float **table = buffers->b_rows + s * SKIPPING_TABLE;
        int count = 0;
        if (l->mr == 8) {
          COMPACT_SLIVER(8)
        } else if (l->mr == 6) {
          COMPACT_SLIVER(6)
        } else {
          COMPACT_SLIVER(l->mr)
        }
        const float *first = packs_b ? packed_b : b + (ptrdiff_t)pc * ldb + j0;
        for (int q = count; q < count + 8; q++) table[q] = count > 0 ? table[count - 1] : first;
        kept[s] = count;
      }
      for (int jc = 0; jc < n; jc += packs_b ? l->nc : n) {
        const int nc = packs_b && n - jc > l->nc ? l->nc : n - jc;
        if (packs_b) l->pack_b(&bm, pc, kc, j0 + jc, nc, l->nr, packed_b);
        for (int jr = jc; jr < jc + nc; jr += l->nr) {
          const int columns = jc + nc - jr < l->nr ? jc + nc - jr : l->nr;
          const ptrdiff_t column = packs_b ? (ptrdiff_t)(jr - jc) * kc : jr;
          for (int ir = 0, s = 0; ir < mc; ir += l->mr, s++) {
            const int rows = mc - ir < l->mr ? mc - ir : l->mr;
            l->kernel_b_rows(kept[s], buffers->a + (ptrdiff_t)ir * kc, buffers->b_rows + s * SKIPPING_TABLE, column,
                             c + (ptrdiff_t)(ic + ir) * ldc + j0 + jr, ldc, add, rows, columns);
          }
        }
      }
    }
  }
}

typedef struct {
  const gemm_level *level;
  int m, n, k, columns, accumulate;
  const float *a, *b;
  float *c;
} skipping_job;

static void skipping_part(void *context, int index) {
  const skipping_job *job = context;
  const int j0 = index * job->columns;
  const int n = job->n - j0 < job->columns ? job->n - j0 : job->columns;
  skipping_serial(job->level, job->m, n, job->k, job->a, job->b, job->n, j0, job->accumulate, job->c, job->n);
}

int ckernels_dense_input_gradient(int level, int batch, int inputs, int outputs, const float *dy,
                                  const float *w, int accumulate, float *dx) {
  const gemm_level *l = level_for(level);
  if (l->kernel_b_rows == NULL || (l->mc + l->mr - 1) / l->mr > SKIPPING_MAX_SLIVERS || batch < 1 || inputs < 1 || outputs < 1)
    return 0;
  // The steps the slivers would skip (w's rows not yet looked at): fewer than an eighth, and the
  // product's own kernels are as fast.
  long skipped = 0;
  for (int i0 = 0; i0 < batch; i0 += l->mr) {
    const int rows = batch - i0 < l->mr ? batch - i0 : l->mr;
    for (int p0 = 0; p0 < outputs; p0 += 256) {
      const int width = outputs - p0 < 256 ? outputs - p0 : 256;
      unsigned char nonzero[256] = {0};
      for (int i = 0; i < rows; i++) {
        const float *row = dy + (ptrdiff_t)(i0 + i) * outputs + p0;
        for (int p = 0; p < width; p++) nonzero[p] |= row[p] != 0;
      }
      for (int p = 0; p < width; p++) skipped += !nonzero[p];
    }
  }
  const long slivers = (batch + l->mr - 1) / l->mr;
  if (8 * skipped < slivers * outputs) return 0;
  skipping_job job = {l, batch, inputs, outputs, inputs, accumulate, dy, w, dx};
  const int threads = ckernels_threads();
  if (threads > 1 && (double)batch * inputs * outputs >= PARALLEL_MULTIPLY_ADDS) {
    // Whole slivers of columns, PARTS_PER_THREAD parts per thread (as gemm splits them).
    const int slivers_of_columns = (inputs + l->nr - 1) / l->nr, wanted = threads * PARTS_PER_THREAD;
    const int parts = slivers_of_columns < wanted ? slivers_of_columns : wanted;
    job.columns = (slivers_of_columns + parts - 1) / parts * l->nr;
    ckernels_parallel_for((inputs + job.columns - 1) / job.columns, skipping_part, &job);
  } else {
    skipping_serial(l, batch, inputs, outputs, dy, w, inputs, 0, accumulate, dx, inputs);
  }
  return 1;
}

static gemm_convolution make_convolution(const float *input, int batch, int channels, int height,
                                         int width, int kernel_height, int kernel_width, int stride,
                                         int padding) {
  gemm_convolution s = {input, batch, channels, height, width, kernel_height, kernel_width, stride,
                        padding, 0, 0};
  s.output_height = (height + 2 * padding - kernel_height) / stride + 1;
  s.output_width = (width + 2 * padding - kernel_width) / stride + 1;
  return s;
}

void ckernels_convolution_gemm(int level, const float *weights, int filters, const float *input,
                               int batch, int channels, int height, int width, int kernel_height,
                               int kernel_width, int stride, int padding, int space_to_depth_copy,
                               int in_place, float *output) {
  gemm_convolution s = make_convolution(input, batch, channels, height, width, kernel_height,
                                        kernel_width, stride, padding);
  const int taps = channels * kernel_height * kernel_width;
  const int positions = batch * s.output_height * s.output_width;
  const gemm_level *l = level_for(level);
  // A strided convolution's windows, packed from a space-to-depth copy: one pass over the input
  // instead of a gather per tap (the vector levels only: the plain-C packer reads the input).
  if (space_to_depth_copy && stride > 1 && padding == 0 && l->space_to_depth_row != NULL && positions > 0) {
    s.depth_height = (height + stride - 1) / stride;
    s.depth_width = (width + stride - 1) / stride;
    const size_t floats = (size_t)batch * channels * stride * stride * s.depth_height * s.depth_width;
    packing_buffers *buffers = thread_buffers();
    if (floats < (size_t)1 << 31) grow_buffer(&buffers->depth, &buffers->depth_floats, floats);
    if (floats <= buffers->depth_floats) {
      gemm_space_to_depth(&s, l->space_to_depth_row, buffers->depth);
      s.depth = buffers->depth;
    }
  }
  const gemm_matrix am = {weights, taps, 1};
  const b_operand bo = {NULL, &s, 0, NULL, 0};
  gemm(l, filters, positions, taps, &am, (in_place & CKERNELS_IN_PLACE_A) != 0, &bo, 0, output, positions);
}

// ---- A direct convolution --------------------------------------------------------------------------

typedef struct {
  const gemm_direct_tiles *tiles;
  const gemm_direct_convolution *convolution;
  int per_part, total;
} direct_job;

static void direct_job_part(void *context, int index) {
  const direct_job *job = context;
  const int first = index * job->per_part;
  const int count = job->total - first < job->per_part ? job->total - first : job->per_part;
  (*job->tiles)(job->convolution, first, count);
}

// A caller's packed weights: a header of DIRECT_HEADER floats (as ints: whether it holds weights,
// their level, lanes, filters and taps), then the weights as the tiles read them.
#define DIRECT_HEADER 16

size_t ckernels_convolution_direct_packed_floats(int filters, int taps) {
  return DIRECT_HEADER + (size_t)(taps > 0 ? taps : 0) * (((size_t)(filters > 0 ? filters : 0) + 31) / 32 * 32);
}

int ckernels_convolution_direct(int level, const float *weights, int filters, const float *bias, int relu,
                                const float *input, int batch, int channels, int height, int width,
                                int kernel_height, int kernel_width, int stride, int padding, float *output,
                                float *packed_weights, int weights_unchanged) {
  const gemm_level *l = level_for(level);
  const gemm_convolution s = make_convolution(input, batch, channels, height, width, kernel_height,
                                              kernel_width, stride, padding);
  const int taps = channels * kernel_height * kernel_width;
  if (l->direct_convolution == NULL || padding != 0 || filters < 1 || taps < 1 || batch < 1 || s.output_height < 1 ||
      s.output_width < 1 || (double)batch * channels * height * width >= 2147483647.0)
    return 0;
  // Narrow tiles sum one KC block of taps at most (the packed forward's sums are then its tile's
  // alone). Wide ones take rows of at least 6 positions, in tiles of as equal lengths as 12 at most
  // allow (20 → 10 + 10, 9 → 9, 7 → 7). At batch 1 (the Nature network acting) the packed
  // product's tiles of 32 positions leave lanes empty on its second and third convolutions' 81 and
  // 49, where wide tiles fill every lane (Zen 4: 70 → 51 and 48 → 36 µs, their weights packed
  // included; `scripts/microbench/run convolution_nature`). An Intel Xeon measured them slower
  // direct (55 → 65 and 35 → 42 µs) when the weights were packed a float at a time, which cost more
  // than the tiles saved; not re-measured there since.
  // AVX2 has wide tiles alone, of 16 filters and 4 to 6 positions (rows of 6 or more cut as
  // equally as 6 at most allow: 20 → 5 × 4, 9 → 5 + 4, 8 → 4 + 4, 7 → 4 + 3 shifted back to 4).
  const int narrow = l->direct_lanes == 32 && filters <= 16 && stride == 1 && taps <= l->kc && s.output_width >= 2;
  const int wide = !narrow && (stride == 1 || stride == 2 || stride == 4) && s.output_width >= 6;
  if (!narrow && !wide) return 0;
  const int row_tiles = (s.output_width + l->direct_positions - 1) / l->direct_positions;
  const int positions = wide ? (s.output_width + row_tiles - 1) / row_tiles : 0;
  // AVX2's tiles of 4 positions (8 sums in registers) lose to the packed product where it is
  // efficient: the Nature network's third convolution (rows of 7, 64 filters, 576 taps) 1,281 µs
  // packed against 1,450 direct at batch 32, about even at batch 1; MinAtar's (rows of 8, 16
  // filters, 36 taps) 44.9 → 34.3 µs direct (Zen 4 capped at AVX2, `scripts/microbench/run
  // convolution_nature 1` and `convolution_minatar 1`).
  if (l->direct_lanes == 16 && positions == 4 && filters > 16) return 0;
  const int lanes = narrow ? 16 : l->direct_lanes, groups = (filters + lanes - 1) / lanes;
  // The weights packed here on every call, or in the caller's buffer when they changed (at batch 1,
  // the Nature network's three convolutions about 10 µs of 180 on a Zen 4).
  const size_t here = packed_weights != NULL ? 0 : (size_t)taps * groups * lanes;
  packing_buffers *buffers = thread_buffers();
  grow_buffer(&buffers->direct, &buffers->direct_floats, here + taps);
  int *tap_offset = (int *)(buffers->direct + here);
  for (int c = 0, p = 0; c < channels; c++)
    for (int ky = 0; ky < kernel_height; ky++)
      for (int kx = 0; kx < kernel_width; kx++, p++) tap_offset[p] = (c * height + ky) * width + kx;
  float *packed = buffers->direct;
  if (packed_weights != NULL) {
    int *header = (int *)packed_weights;
    packed = packed_weights + DIRECT_HEADER;
    if (!weights_unchanged || header[0] != 1 || header[1] != level || header[2] != lanes || header[3] != filters ||
        header[4] != taps) {
      header[0] = 0;
      l->pack_direct_weights(weights, filters, taps, lanes, packed);
      header[1] = level, header[2] = lanes, header[3] = filters, header[4] = taps, header[0] = 1;
    }
  } else {
    l->pack_direct_weights(weights, filters, taps, lanes, packed);
  }
  gemm_direct_convolution d = {input, channels, height, width, s.output_height, s.output_width, filters, taps,
                               relu != 0, stride, l->kc, 0, 0, 0, tap_offset, packed, bias, output};
  if (wide) {
    d.positions = positions;
    d.tiles_per_row = (s.output_width + d.positions - 1) / d.positions;
    d.tiles_per_sample = groups * s.output_height * d.tiles_per_row;
  } else if (s.output_width <= 16) {
    const int rows = 16 / s.output_width;
    d.tiles_per_sample = (s.output_height + rows - 1) / rows;
  } else {
    d.tiles_per_row = (s.output_width + 15) / 16;
    d.tiles_per_sample = s.output_height * d.tiles_per_row;
  }
  const int total = batch * d.tiles_per_sample;
  // Parts of whole tiles on the threads, when worth it: each position's sums are the same
  // whichever thread computes them.
  const int threads = ckernels_threads();
  if (threads > 1 && (double)groups * lanes * taps * batch * s.output_height * s.output_width >= PARALLEL_MULTIPLY_ADDS) {
    const int wanted = threads * PARTS_PER_THREAD;
    const int per_part = (total + wanted - 1) / wanted;
    direct_job job = {&l->direct_convolution, &d, per_part, total};
    ckernels_parallel_for((total + per_part - 1) / per_part, direct_job_part, &job);
  } else {
    l->direct_convolution(&d, 0, total);
  }
  return 1;
}

// ---- A weight gradient by image rows ----------------------------------------------------------------

// dWᵀ[taps, F] += im2col(x)[taps, N·P] · dYᵀ[N·P, F] for a convolution without padding: along an
// output row, every tap's values are consecutive floats of the image (of its space-to-depth copy
// when the stride is more than 1, made first: the windows' view, gemm_window_view), so A is that
// image read in place, a segment per output row (cut where a KC block ends), and only dYᵀ is
// packed (no window is). Against dW += dY · im2col(x)ᵀ, each element of dW gets the same products (their
// factors swapped, which changes nothing) summed in the same order within the same KC blocks of
// positions, each block's sum added to it in turn: the same bits. MinAtar's 16 filters are one
// half-width sliver here, where its 36 taps were a sliver and a nearly empty one; and nothing is
// gathered.
typedef struct {
  const gemm_level *level;
  const float *rows_gradient;
  const gemm_convolution *geometry;
  int filters, taps, positions, tiles_per_part;
  int kernel_rows;    // tiles of kernel rows (the level's kernel_rows), one part only
  float *transposed;  // dWᵀ [taps, filters]
} weight_rows_job;

static void weight_gradient_rows_part(void *context, int index) {
  const weight_rows_job *job = context;
  const gemm_level *l = job->level;
  const gemm_convolution *s = job->geometry;
  const gemm_convolution view = gemm_window_view(s);  // stride 1: the image, or its copy
  packing_buffers *buffers = thread_buffers();
  const int plane = s->output_height * s->output_width;
  const int first_tap = index * job->tiles_per_part * l->mr;
  const int end_tap = job->taps - first_tap < job->tiles_per_part * l->mr ? job->taps : first_tap + job->tiles_per_part * l->mr;
  const gemm_matrix transposed_gradient = {job->rows_gradient, 1, job->positions};
  gemm_segment segment[GEMM_MAX_KC];
  for (int pc = 0; pc < job->positions; pc += l->kc) {
    const int kc = job->positions - pc < l->kc ? job->positions - pc : l->kc;
    l->pack_b(&transposed_gradient, pc, kc, 0, job->filters, l->nr, buffers->b);
    int segments = 0;
    int n = pc / plane, oy = pc % plane / s->output_width, ox = pc % s->output_width;
    for (int p = pc; p < pc + kc;) {
      const int length = s->output_width - ox < pc + kc - p ? s->output_width - ox : pc + kc - p;
      segment[segments++] = (gemm_segment){((ptrdiff_t)n * view.channels * view.height + oy) * view.width + ox, length};
      p += length;
      if ((ox += length) == s->output_width) {
        ox = 0;
        if (++oy == s->output_height) oy = 0, n++;
      }
    }
    if (job->kernel_rows) {
      // MinAtar's 36 taps: two tiles of 6 kernel rows (18 sums) instead of 8 + 8 + 8 + 8 + 4 taps
      // (8 sums, the multiply-adds' latency exposed): 26.3 → 20.9 µs at batch 32 on an Intel Xeon
      // (scripts/microbench/run convolution_minatar 2 6; 8 kernel rows, 8 + 4, gave 20.7).
      for (int t0 = first_tap; t0 < end_tap; t0 += 3 * GEMM_KERNEL_ROW_GROUPS) {
        const int groups = (end_tap - t0) / 3 < GEMM_KERNEL_ROW_GROUPS ? (end_tap - t0) / 3 : GEMM_KERNEL_ROW_GROUPS;
        int tap_offset[3 * GEMM_KERNEL_ROW_GROUPS], group_offset[GEMM_KERNEL_ROW_GROUPS];
        gemm_tap_offsets(s, t0, 3 * groups, tap_offset);
        for (int g = 0; g < groups; g++) group_offset[g] = tap_offset[3 * g];
        l->kernel_rows(kc, segments, segment, view.input, group_offset, groups, buffers->b, l->nr,
                       job->transposed + (ptrdiff_t)t0 * job->filters, job->filters, job->filters);
      }
      continue;
    }
    for (int t0 = first_tap; t0 < end_tap; t0 += l->mr) {
      const int rows = end_tap - t0 < l->mr ? end_tap - t0 : l->mr;
      int row_offset[GEMM_MAX_MR];
      gemm_tap_offsets(s, t0, rows, row_offset);
      for (int jr = 0; jr < job->filters; jr += l->nr) {
        const int columns = job->filters - jr < l->nr ? job->filters - jr : l->nr;
        l->kernel_segments(kc, segments, segment, view.input, row_offset, buffers->b + (ptrdiff_t)jr * kc, l->nr,
                           job->transposed + (ptrdiff_t)t0 * job->filters + jr, job->filters, rows, columns);
      }
    }
  }
}

// Returns 0, doing nothing, where it does not apply: padding, more filters than a packed block
// holds, a level without the kernel, or a stride > 1 below the vector levels (no space-to-depth
// copier) or with a copy too large for the buffer.
static int weight_gradient_by_rows(const gemm_level *l, const float *rows_gradient, int filters,
                                   const gemm_convolution *source, float *weight_gradient) {
  if (l->kernel_segments == NULL || source->padding != 0 || filters > GEMM_MAX_NC) return 0;
  // Strided, it pays where output rows are long (runs of many positions for each copy made): on an
  // Intel Xeon (scripts/microbench/run weight_gradient_nature) the Nature network's first, rows of
  // 20, 2,044–2,869 → 1,766–2,210 µs at batch 32; its second, rows of 9, 1,410–1,423 → 1,478–1,481.
  if (source->stride != 1 && (l->space_to_depth_row == NULL || source->output_width < 16)) return 0;
  gemm_convolution copy = *source;
  const gemm_convolution *s = &copy;
  const int taps = s->channels * s->kernel_height * s->kernel_width;
  const int positions = s->batch * s->output_height * s->output_width;
  if (taps <= 0 || positions <= 0 || filters <= 0) return 1;
  packing_buffers *buffers = thread_buffers();
  if (s->stride != 1) {
    // Strided: the image's space-to-depth copy, where the windows are stride 1 (the forward's).
    copy.depth_height = (s->height + s->stride - 1) / s->stride;
    copy.depth_width = (s->width + s->stride - 1) / s->stride;
    const size_t floats = (size_t)s->batch * s->channels * s->stride * s->stride * copy.depth_height * copy.depth_width;
    if (floats < (size_t)1 << 31) grow_buffer(&buffers->depth, &buffers->depth_floats, floats);
    if (floats > buffers->depth_floats) return 0;
    gemm_space_to_depth(s, l->space_to_depth_row, buffers->depth);
    copy.depth = buffers->depth;
  }
  grow_buffer(&buffers->transposed, &buffers->transposed_floats, (size_t)taps * (size_t)filters);
  float *transposed = buffers->transposed;
  for (int f = 0; f < filters; f++)
    for (int t = 0; t < taps; t++) transposed[(ptrdiff_t)t * filters + f] = weight_gradient[(ptrdiff_t)f * taps + t];
  // Parts of whole tiles, one per thread (each packs dYᵀ for itself), when worth splitting.
  const int tiles = (taps + l->mr - 1) / l->mr;
  const int threads = ckernels_threads();
  int parts = 1;
  if (threads > 1 && (double)filters * taps * positions >= PARALLEL_MULTIPLY_ADDS) parts = threads < tiles ? threads : tiles;
  // Kernel rows of 3 taps are 3 consecutive floats of a stride-1 image (of the copy, they are not).
  const int kernel_rows = l->kernel_rows != NULL && parts == 1 && filters <= 16 && s->kernel_width == 3 && s->stride == 1;
  weight_rows_job job = {l, rows_gradient, s, filters, taps, positions, (tiles + parts - 1) / parts, kernel_rows, transposed};
  parts = (tiles + job.tiles_per_part - 1) / job.tiles_per_part;
  if (parts > 1) ckernels_parallel_for(parts, weight_gradient_rows_part, &job);
  else weight_gradient_rows_part(&job, 0);
  for (int f = 0; f < filters; f++)
    for (int t = 0; t < taps; t++) weight_gradient[(ptrdiff_t)f * taps + t] = transposed[(ptrdiff_t)t * filters + f];
  return 1;
}

void ckernels_convolution_weight_gradient(int level, const float *rows_gradient, int filters,
                                          const float *input, int batch, int channels, int height,
                                          int width, int kernel_height, int kernel_width, int stride,
                                          int padding, int in_place, float *weight_gradient) {
  const gemm_convolution s = make_convolution(input, batch, channels, height, width, kernel_height,
                                              kernel_width, stride, padding);
  const gemm_level *l = level_for(level);
  if ((in_place & CKERNELS_IMAGE_ROWS) != 0 && weight_gradient_by_rows(l, rows_gradient, filters, &s, weight_gradient))
    return;
  const int taps = channels * kernel_height * kernel_width;
  const int positions = batch * s.output_height * s.output_width;
  const gemm_matrix am = {rows_gradient, positions, 1};
  const b_operand bo = {NULL, &s, 1, NULL, 0};
  gemm(l, filters, taps, positions, &am, (in_place & CKERNELS_IN_PLACE_A) != 0, &bo, 1,
       weight_gradient, taps);
}

// A group of samples of an input gradient: their column gradient W^T · dY into this thread's
// column buffer, then folded into their images.
typedef struct {
  const gemm_level *level;
  const float *weights, *rows_gradient;
  gemm_convolution geometry;
  int filters, group, in_place;  // CKERNELS_IN_PLACE_A, CKERNELS_FOLD_BY_ROWS
  float *input_gradient;
} input_gradient_job;

static void input_gradient_group(void *context, int index) {
  const input_gradient_job *job = context;
  const gemm_convolution *g = &job->geometry;
  const int first = index * job->group;
  const int count = g->batch - first < job->group ? g->batch - first : job->group;
  const int taps = g->channels * g->kernel_height * g->kernel_width;
  const int plane = g->output_height * g->output_width;
  const ptrdiff_t positions = (ptrdiff_t)g->batch * plane;
  packing_buffers *buffers = thread_buffers();
  if (buffers->columns == NULL &&
      posix_memalign((void **)&buffers->columns, 64, sizeof(float) * COLUMN_BUFFER_FLOATS) != 0)
    abort();
  // columns[taps, count·P] = Wᵀ[taps, F] · dY[F, first·P … (first + count)·P), with
  // CKERNELS_IN_PLACE_A Wᵀ read in place where the level can: each step's 8 or 6 taps are
  // consecutive floats of a filter's weights, and packing them again for every group cost more
  // (the Nature network's two input gradients at batch 32 1,959–1,970 → 1,938–1,939 and
  // 1,330–1,337 → 1,304–1,305 µs on a Zen 4, 2,119–2,128 → 2,082–2,092 and 1,423–1,434 →
  // 1,358–1,360 capped at AVX2; the same bits).
  const gemm_matrix a = {job->weights, 1, taps};
  const gemm_matrix b = {job->rows_gradient + (ptrdiff_t)first * plane, positions, 1};
  const b_operand bo = {&b, NULL, 0, NULL, 0};
  gemm_serial(job->level, taps, count * plane, job->filters, &a, (job->in_place & CKERNELS_IN_PLACE_A) != 0, &bo, 0, 0,
              buffers->columns, count * plane);
  float *gradient = job->input_gradient + (ptrdiff_t)first * g->channels * g->height * g->width;
  if ((job->in_place & CKERNELS_FOLD_BY_ROWS) && job->level->col2im_rows != NULL &&
      job->level->col2im_rows(buffers->columns, (ptrdiff_t)count * plane, gradient, count, g->channels, g->height,
                              g->width, g->kernel_height, g->kernel_width, g->stride, g->padding))
    return;
  ckernels_col2im_transposed(buffers->columns, gradient, count, g->channels, g->height, g->width,
                             g->kernel_height, g->kernel_width, g->stride, g->padding);
}

int ckernels_convolution_input_gradient(int level, const float *weights, int filters,
                                        const float *rows_gradient, int batch, int channels,
                                        int height, int width, int kernel_height, int kernel_width,
                                        int stride, int padding, int in_place, float *input_gradient) {
  const gemm_convolution s = make_convolution(NULL, batch, channels, height, width, kernel_height,
                                              kernel_width, stride, padding);
  const ptrdiff_t sample_columns = (ptrdiff_t)channels * kernel_height * kernel_width * s.output_height * s.output_width;
  if (sample_columns > COLUMN_BUFFER_FLOATS) return 0;
  int group = (int)(COLUMN_BUFFER_FLOATS / sample_columns);
  if (group > batch) group = batch;
  // Enough groups for every thread (PARTS_PER_THREAD each), when the product is worth splitting.
  const int threads = ckernels_threads();
  if (threads > 1 && (double)sample_columns * batch * filters >= PARALLEL_MULTIPLY_ADDS) {
    const int wanted = threads * PARTS_PER_THREAD;
    const int per_part = (batch + wanted - 1) / wanted;
    if (per_part < group) group = per_part;
  }
  input_gradient_job job = {level_for(level), weights, rows_gradient, s, filters, group, in_place, input_gradient};
  ckernels_parallel_for((batch + group - 1) / group, input_gradient_group, &job);
  return 1;
}

int ckernels_col2im_rows(int level, const float *columns, float *output, int batch, int channels, int height,
                         int width, int kernel_height, int kernel_width, int stride, int padding) {
  const gemm_level *l = level_for(level);
  if (l->col2im_rows == NULL || height + 2 * padding < kernel_height || width + 2 * padding < kernel_width)
    return 0;
  const ptrdiff_t row_length = (ptrdiff_t)batch * ((height + 2 * padding - kernel_height) / stride + 1) *
                               ((width + 2 * padding - kernel_width) / stride + 1);
  return l->col2im_rows(columns, row_length, output, batch, channels, height, width, kernel_height, kernel_width,
                        stride, padding);
}
