// im2col and col2im in the transposed layout Conv2D uses: the column matrix is
// [C·kH·kW, N·outH·outW], one row per kernel tap (c, ky, kx), each row holding sample n's
// outH·outW window values at offset n·outH·outW.
//
// Both are memory-bound copies whose cost, for the small planes of DQN networks (rows of 7 to 20
// floats), is mostly loop overhead. Two identities remove most of it:
//  - tap (ky, kx) at output row oy reads image row oy·s − p + ky, which tap (ky − s, kx) reads at
//    output row oy + 1: so for ky ≥ s a tap's rows are the rows of tap (ky − s, kx) moved up by one
//    output row — one contiguous copy of (outH − 1)·outW floats plus the last row;
//  - likewise, for kx ≥ s, a tap's output row is the row of tap (kx − s) shifted by one column,
//    which replaces a strided gather by a contiguous copy.
// col2im uses the first identity backwards: the rows of tap (ky, kx) are added into tap
// (ky − s, kx) one output row down (a contiguous vector add), leaving one row to scatter.
// Out-of-image taps (padding) are zeros in both taps, so the identities hold with padding too.
#include "CKernels.h"
#include "GemmKernels.h"
#include <string.h>
#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>
#endif

typedef struct {
  int batch, channels, height, width, kernel_height, kernel_width, stride, padding;
  int output_height, output_width;
} geometry;

static geometry make_geometry(int batch, int channels, int height, int width, int kernel_height,
                              int kernel_width, int stride, int padding) {
  geometry g = {batch, channels, height, width, kernel_height, kernel_width, stride, padding, 0, 0};
  g.output_height = (height + 2 * padding - kernel_height) / stride + 1;
  g.output_width = (width + 2 * padding - kernel_width) / stride + 1;
  return g;
}

// Output columns [first, last) whose tap x = ox·s + offset lies inside [0, width).
static void column_range(const geometry *g, int offset, int *first, int *last) {
  *first = offset >= 0 ? 0 : (-offset + g->stride - 1) / g->stride;
  int reach = g->width - 1 - offset;  // largest ox·s that stays inside
  int end = reach < 0 ? 0 : reach / g->stride + 1;
  *last = end < g->output_width ? end : g->output_width;
}

static inline void fill_zero(float *destination, int count) {
  for (int i = 0; i < count; i++) destination[i] = 0.0f;
}

static inline void copy_floats(float *restrict destination, const float *restrict source,
                               ptrdiff_t count) {
  for (ptrdiff_t i = 0; i < count; i++) destination[i] = source[i];
}

// destination[i] = source[i·stride], with the common strides as constants so they vectorise.
static inline void gather(float *restrict destination, const float *restrict source, int count,
                          int stride) {
  switch (stride) {
  case 1:
    for (int i = 0; i < count; i++) destination[i] = source[i];
    break;
  case 2:
    for (int i = 0; i < count; i++) destination[i] = source[2 * i];
    break;
  case 4:
    for (int i = 0; i < count; i++) destination[i] = source[4 * i];
    break;
  default:
    for (int i = 0; i < count; i++) destination[i] = source[i * stride];
  }
}

// The kH·kW tap rows of one channel of one image, each `out_h·out_w` floats, tap t at
// taps + t·pitch.
static void unfold_channel(const float *restrict plane, float *restrict taps, ptrdiff_t pitch,
                           const geometry *g) {
  const int out_h = g->output_height, out_w = g->output_width, stride = g->stride;
  const ptrdiff_t segment = (ptrdiff_t)out_h * out_w;
  for (int ky = 0; ky < g->kernel_height; ky++) {
    for (int kx = 0; kx < g->kernel_width; kx++) {
      float *row = taps + (ptrdiff_t)(ky * g->kernel_width + kx) * pitch;
      int first_row = 0;
      if (ky >= stride) {
        const float *above = row - (ptrdiff_t)stride * g->kernel_width * pitch;
        copy_floats(row, above + out_w, segment - out_w);
        first_row = out_h - 1;
      }
      const int offset = kx - g->padding;
      int first, last;
      column_range(g, offset, &first, &last);
      for (int oy = first_row; oy < out_h; oy++) {
        float *destination = row + (ptrdiff_t)oy * out_w;
        const int y = oy * stride - g->padding + ky;
        if (y < 0 || y >= g->height || first >= last) {
          fill_zero(destination, out_w);
          continue;
        }
        const float *line = plane + (ptrdiff_t)y * g->width + offset;
        if (stride > 1 && kx >= stride) {
          // Tap kx − s's row, one window to the left.
          const float *left = destination - (ptrdiff_t)stride * pitch;
          copy_floats(destination, left + 1, out_w - 1);
          destination[out_w - 1] = last == out_w ? line[(out_w - 1) * stride] : 0.0f;
          continue;
        }
        fill_zero(destination, first);
        gather(destination + first, line + (ptrdiff_t)first * stride, last - first, stride);
        fill_zero(destination + last, out_w - last);
      }
    }
  }
}

void ckernels_im2col_transposed(const float *input, float *columns, int batch, int channels,
                                int height, int width, int kernel_height, int kernel_width,
                                int stride, int padding) {
  const geometry g = make_geometry(batch, channels, height, width, kernel_height, kernel_width,
                                   stride, padding);
  const ptrdiff_t segment = (ptrdiff_t)g.output_height * g.output_width;
  const ptrdiff_t row_length = (ptrdiff_t)batch * segment;
  const ptrdiff_t plane_size = (ptrdiff_t)height * width;
  const ptrdiff_t taps = (ptrdiff_t)kernel_height * kernel_width;
  // Sample by sample, so one image stays in cache while its taps are copied out. (Tried and
  // dropped: non-temporal stores for large matrices — the GEMM that reads the columns next then
  // misses the last-level cache, costing more than the stores save.)
  for (int n = 0; n < batch; n++) {
    for (int c = 0; c < channels; c++) {
      unfold_channel(input + ((ptrdiff_t)n * channels + c) * plane_size,
                     columns + c * taps * row_length + n * segment, row_length, &g);
    }
  }
}

void ckernels_col2im_transposed(float *columns, float *output, int batch, int channels,
                                int height, int width, int kernel_height, int kernel_width,
                                int stride, int padding) {
  const geometry g = make_geometry(batch, channels, height, width, kernel_height, kernel_width,
                                   stride, padding);
  const int out_h = g.output_height, out_w = g.output_width;
  const ptrdiff_t segment = (ptrdiff_t)out_h * out_w;
  const ptrdiff_t row_length = (ptrdiff_t)batch * segment;
  const ptrdiff_t plane_size = (ptrdiff_t)height * width;
  memset(output, 0, sizeof(float) * (size_t)batch * channels * plane_size);
  for (int n = 0; n < batch; n++) {
    float *image = output + (ptrdiff_t)n * channels * plane_size;
    for (int c = 0; c < channels; c++) {
      float *plane = image + c * plane_size;
      // Bottom taps first: each hands all but its last output row to the tap s rows above.
      for (int ky = kernel_height - 1; ky >= 0; ky--) {
        for (int kx = 0; kx < kernel_width; kx++) {
          float *row =
              columns + ((ptrdiff_t)(c * kernel_height + ky) * kernel_width + kx) * row_length +
              n * segment;
          int first_row = 0;
          if (ky >= stride) {
            float *above = row - (ptrdiff_t)stride * kernel_width * row_length + out_w;
            for (ptrdiff_t i = 0; i < segment - out_w; i++) above[i] += row[i];
            first_row = out_h - 1;
          }
          const int offset = kx - padding;
          int first, last;
          column_range(&g, offset, &first, &last);
          if (first >= last) continue;
          for (int oy = first_row; oy < out_h; oy++) {
            const int y = oy * stride - padding + ky;
            if (y < 0 || y >= height) continue;
            const float *from = row + (ptrdiff_t)oy * out_w;
            float *line = plane + (ptrdiff_t)y * width + offset;
            for (int ox = first; ox < last; ox++) line[ox * stride] += from[ox];
          }
        }
      }
    }
  }
}

#if defined(__x86_64__) && defined(__clang__)
// ---- col2im an image row at a time (AVX2, AVX-512) ------------------------------------------------
//
// ckernels_col2im_transposed's sums, bit for bit, computed where they land instead of tap by tap.
// There, every image row y is reached by one chain of taps: the pairs (ky, oy) with
// oy·s − p + ky = y, ky ascending, each passed into the one before (ky − s, oy + 1), so what reaches
// the image for column kx is c(ky₀) + (c(ky₀ + s) + (… + c(ky_last))) at the window's column ox,
// and image float (y, x) is 0 + that sum for each kx whose window covers x, kx ascending. Here each
// run of 8 image floats (16 with AVX-512) is summed in a register in that order, the chain's taps
// loaded at the consecutive window columns that land on it; a stride-2 row is two such classes,
// its even and its odd floats, interleaved when stored. Lanes whose column is outside the window's range load +0 (masked loads read nothing
// there), which leaves every sum as it was: x + 0 = x for every x but −0, and no sum is ever −0,
// as each starts at +0 (where the tap-by-tap fold zeroes the output) and +0 + −0 is +0. No row of
// the columns is changed (the tap-by-tap fold adds the chains into them).

#define COL2IM_LONGEST_CHAIN 16
#define COL2IM_MOST_RUNS 256
#define COL2IM_MOST_ROWS 128
#define COL2IM_MOST_CHUNKS 64

// Whether the row folds take `g`: strides 1 and 2, at most COL2IM_MOST_ROWS image rows, chains of
// at most COL2IM_LONGEST_CHAIN taps.
static int col2im_rows_fit(const geometry *g) {
  return (g->stride == 1 || g->stride == 2) && g->output_height > 0 && g->output_width > 0 &&
         g->height <= COL2IM_MOST_ROWS && (g->kernel_height + g->stride - 1) / g->stride <= COL2IM_LONGEST_CHAIN;
}

// Each image row's chain: ky ≡ y + p (mod s), from the first whose output row
// oy = (y + p − ky)/s is at most out_h − 1 to the last with oy ≥ 0 and ky < kH: links[y] taps, at
// chains[y·COL2IM_LONGEST_CHAIN + j], offsets of their rows from the channel's first tap row's.
static void col2im_chains(const geometry *g, ptrdiff_t row_length, int *links, ptrdiff_t *chains) {
  const int s = g->stride, out_h = g->output_height;
  for (int y = 0; y < g->height; y++) {
    // (reach − (out_h − 1)·s and reach mod s are both ≡ y + p, so the larger is the first.)
    const int reach = y + g->padding, lowest = reach - (out_h - 1) * s;
    const int low = lowest > reach % s ? lowest : reach % s;
    const int high = reach < g->kernel_height - 1 ? reach : g->kernel_height - 1;
    int count = 0;
    for (int ky = low; ky <= high; ky += s)
      chains[y * COL2IM_LONGEST_CHAIN + count++] =
          (ptrdiff_t)ky * g->kernel_width * row_length + (ptrdiff_t)((reach - ky) / s) * g->output_width;
    links[y] = count;
  }
}

// One run of `lanes` image floats (8 or 16) of one class (x ≡ class mod s, every s-th float of the
// row) and one kernel column kx of that class: lane i takes window column ox0 + i where
// first ≤ ox0 + i < last (its load reads nothing and adds +0 elsewhere).
typedef struct {
  int ox0, kx, first, last;
} col2im_run;

// The runs of a row, the same for every row: for chunk q (image floats x = s·(lanes·q + i) + class)
// class 0's, then class 1's (stride 2), each class's kernel columns ascending, runs
// [start[q][class], start[q][class + 1]). Returns the number of chunks, or 0 where the row folds
// do not take `g` (or a row has more runs than `most`).
static int col2im_plan(const geometry *g, int lanes, col2im_run *run, int most, int start[][3]) {
  if (!col2im_rows_fit(g)) return 0;
  const int s = g->stride, chunks = ((g->width + s - 1) / s + lanes - 1) / lanes;
  if (chunks > COL2IM_MOST_CHUNKS) return 0;
  int runs = 0;
  for (int q = 0; q < chunks; q++) {
    for (int class = 0; class < s; class++) {
      start[q][class] = runs;
      for (int kx = 0; kx < g->kernel_width; kx++) {
        const int offset = class + g->padding - kx;  // x + p − kx at lane 0 of chunk 0
        if (offset % s != 0) continue;               // kx's windows land on the other class
        int first, last;
        column_range(g, kx - g->padding, &first, &last);
        const int ox0 = lanes * q + offset / s;
        if (ox0 + lanes - 1 < first || ox0 >= last) continue;
        if (runs == most) return 0;
        run[runs++] = (col2im_run){ox0, kx, first, last};
      }
    }
    start[q][s] = runs;
  }
  return chunks;
}

// The row loop both levels share: for every image row of every channel of every sample, `row`
// (a level's inline function) sums and stores its chunks, given the row's chain; rows no tap
// reaches are zeroed.
#define COL2IM_EACH_ROW(row)                                                                        \
  do {                                                                                              \
    int chain_links[COL2IM_MOST_ROWS];                                                              \
    ptrdiff_t chains[COL2IM_MOST_ROWS * COL2IM_LONGEST_CHAIN];                                      \
    col2im_chains(&g, row_length, chain_links, chains);                                             \
    const ptrdiff_t segment = (ptrdiff_t)g.output_height * g.output_width;                          \
    const ptrdiff_t plane_size = (ptrdiff_t)g.height * g.width;                                     \
    for (int n = 0; n < g.batch; n++) {                                                             \
      for (int c = 0; c < g.channels; c++) {                                                        \
        float *plane = output + ((ptrdiff_t)n * g.channels + c) * plane_size;                       \
        const float *taps =                                                                         \
            columns + (ptrdiff_t)c * g.kernel_height * g.kernel_width * row_length + n * segment;   \
        for (int y = 0; y < g.height; y++) {                                                        \
          float *line = plane + (ptrdiff_t)y * g.width;                                             \
          const int links = chain_links[y];                                                         \
          if (links == 0) {                                                                         \
            for (int x = 0; x < g.width; x++) line[x] = 0.0f;                                       \
            continue;                                                                               \
          }                                                                                         \
          row(taps, row_length, chains + (ptrdiff_t)y * COL2IM_LONGEST_CHAIN, links, masks, start,  \
              chunks, g.stride, g.width, line);                                                     \
        }                                                                                           \
      }                                                                                             \
    }                                                                                               \
  } while (0)

// value = tap 0's run + (tap 1's + (… + tap links − 1's)), the chain's order, LOAD(j) loading tap
// j's run; chains of up to 3 taps (all of the Nature network's) unrolled.
#define COL2IM_CHAIN(value, LOAD, ADD)                                             \
  switch (links) {                                                                 \
  case 1: value = LOAD(0); break;                                                  \
  case 2: value = ADD(LOAD(0), LOAD(1)); break;                                    \
  case 3: value = ADD(LOAD(0), ADD(LOAD(1), LOAD(2))); break;                      \
  default:                                                                         \
    value = LOAD(links - 1);                                                       \
    for (int j = links - 2; j >= 0; j--) value = ADD(LOAD(j), value);              \
  }

// AVX2: runs of 8 floats, their lanes' masks in vectors.
typedef struct {
  __m256i inside;  // all ones in the lanes whose column is in range
  int ox0, kx;
} col2im_mask8;

// Sums the runs [first, first + count) of one image row: each run's chain of taps (the rows at
// `chain`, relative to `taps` + kx·tap_pitch + ox0), right-nested, added to the run's sum.
__attribute__((target("avx2"))) static inline __m256 col2im_sum8(const float *taps, ptrdiff_t tap_pitch,
                                                                  const ptrdiff_t *chain, int links,
                                                                  const col2im_mask8 *run, int count) {
  __m256 sum = _mm256_setzero_ps();
  for (int r = 0; r < count; r++) {
    const float *at = taps + run[r].kx * tap_pitch + run[r].ox0;
    const __m256i inside = run[r].inside;
    __m256 value;
#define LOAD8(tap) _mm256_maskload_ps(at + chain[tap], inside)
    COL2IM_CHAIN(value, LOAD8, _mm256_add_ps);
#undef LOAD8
    sum = _mm256_add_ps(sum, value);
  }
  return sum;
}

// Stores the first `count` floats of `v` (all 8 from 8 up, none from 0 down).
__attribute__((target("avx2"))) static inline void col2im_store8(float *to, __m256 v, int count) {
  if (count >= 8) {
    _mm256_storeu_ps(to, v);
    return;
  }
  float rest[8];
  _mm256_storeu_ps(rest, v);
  for (int i = 0; i < count; i++) to[i] = rest[i];
}

// One image row: each chunk's class sums, a stride-2 row's two classes interleaved.
__attribute__((target("avx2"))) static inline void col2im_row8(const float *taps, ptrdiff_t tap_pitch,
                                                                const ptrdiff_t *chain, int links,
                                                                const col2im_mask8 *run, int (*start)[3],
                                                                int chunks, int stride, int width, float *line) {
  for (int q = 0; q < chunks; q++) {
    const __m256 even = col2im_sum8(taps, tap_pitch, chain, links, run + start[q][0], start[q][1] - start[q][0]);
    if (stride == 1) {
      col2im_store8(line + 8 * q, even, width - 8 * q);
      continue;
    }
    const __m256 odd = col2im_sum8(taps, tap_pitch, chain, links, run + start[q][1], start[q][2] - start[q][1]);
    const __m256 low_pairs = _mm256_unpacklo_ps(even, odd), high_pairs = _mm256_unpackhi_ps(even, odd);
    col2im_store8(line + 16 * q, _mm256_permute2f128_ps(low_pairs, high_pairs, 0x20), width - 16 * q);
    col2im_store8(line + 16 * q + 8, _mm256_permute2f128_ps(low_pairs, high_pairs, 0x31), width - 16 * q - 8);
  }
}

__attribute__((target("avx2"))) int gemm_col2im_rows_avx2(const float *columns, ptrdiff_t row_length,
                                                          float *output, int batch, int channels,
                                                          int height, int width, int kernel_height,
                                                          int kernel_width, int stride, int padding) {
  const geometry g = make_geometry(batch, channels, height, width, kernel_height, kernel_width,
                                   stride, padding);
  col2im_run plan[COL2IM_MOST_RUNS];
  int start[COL2IM_MOST_CHUNKS][3];
  const int chunks = col2im_plan(&g, 8, plan, COL2IM_MOST_RUNS, start);
  if (chunks == 0) return 0;
  col2im_mask8 masks[COL2IM_MOST_RUNS];
  const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  for (int r = 0; r < start[chunks - 1][stride]; r++) {
    const __m256i column = _mm256_add_epi32(iota, _mm256_set1_epi32(plan[r].ox0));
    masks[r].inside = _mm256_andnot_si256(_mm256_cmpgt_epi32(_mm256_set1_epi32(plan[r].first), column),
                                          _mm256_cmpgt_epi32(_mm256_set1_epi32(plan[r].last), column));
    masks[r].ox0 = plan[r].ox0;
    masks[r].kx = plan[r].kx;
  }
  COL2IM_EACH_ROW(col2im_row8);
  return 1;
}

// AVX-512: runs of 16 floats, mask registers for the windows' edges, and a stride-2 row's two
// classes interleaved by permutes.
#define COL2IM_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma")))

typedef struct {
  __mmask16 inside;
  int ox0, kx;
} col2im_mask16;

COL2IM_TARGET_AVX512 static inline __m512 col2im_sum16(const float *taps, ptrdiff_t tap_pitch,
                                                       const ptrdiff_t *chain, int links,
                                                       const col2im_mask16 *run, int count) {
  __m512 sum = _mm512_setzero_ps();
  for (int r = 0; r < count; r++) {
    const float *at = taps + run[r].kx * tap_pitch + run[r].ox0;
    const __mmask16 inside = run[r].inside;
    __m512 value;
#define LOAD16(tap) _mm512_maskz_loadu_ps(inside, at + chain[tap])
    COL2IM_CHAIN(value, LOAD16, _mm512_add_ps);
#undef LOAD16
    sum = _mm512_add_ps(sum, value);
  }
  return sum;
}

// Stores the first `count` floats of `v` (all 16 from 16 up, none from 0 down).
COL2IM_TARGET_AVX512 static inline void col2im_store16(float *to, __m512 v, int count) {
  if (count >= 16) _mm512_storeu_ps(to, v);
  else if (count > 0) _mm512_mask_storeu_ps(to, (__mmask16)((1u << count) - 1), v);
}

COL2IM_TARGET_AVX512 static inline void col2im_row16(const float *taps, ptrdiff_t tap_pitch,
                                                     const ptrdiff_t *chain, int links,
                                                     const col2im_mask16 *run, int (*start)[3], int chunks,
                                                     int stride, int width, float *line) {
  // Lanes 0–15 of (even, odd) → image floats 0–15 and 16–31 of a stride-2 chunk.
  const __m512i low_half = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i high_half = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  for (int q = 0; q < chunks; q++) {
    const __m512 even = col2im_sum16(taps, tap_pitch, chain, links, run + start[q][0], start[q][1] - start[q][0]);
    if (stride == 1) {
      col2im_store16(line + 16 * q, even, width - 16 * q);
      continue;
    }
    const __m512 odd = col2im_sum16(taps, tap_pitch, chain, links, run + start[q][1], start[q][2] - start[q][1]);
    col2im_store16(line + 32 * q, _mm512_permutex2var_ps(even, low_half, odd), width - 32 * q);
    col2im_store16(line + 32 * q + 16, _mm512_permutex2var_ps(even, high_half, odd), width - 32 * q - 16);
  }
}

COL2IM_TARGET_AVX512 int gemm_col2im_rows_avx512(const float *columns, ptrdiff_t row_length, float *output,
                                                 int batch, int channels, int height, int width,
                                                 int kernel_height, int kernel_width, int stride, int padding) {
  const geometry g = make_geometry(batch, channels, height, width, kernel_height, kernel_width,
                                   stride, padding);
  col2im_run plan[COL2IM_MOST_RUNS];
  int start[COL2IM_MOST_CHUNKS][3];
  const int chunks = col2im_plan(&g, 16, plan, COL2IM_MOST_RUNS, start);
  if (chunks == 0) return 0;
  col2im_mask16 masks[COL2IM_MOST_RUNS];
  for (int r = 0; r < start[chunks - 1][stride]; r++) {
    unsigned inside = 0;
    for (int i = 0; i < 16; i++) inside |= (unsigned)(plan[r].ox0 + i >= plan[r].first && plan[r].ox0 + i < plan[r].last) << i;
    masks[r] = (col2im_mask16){(__mmask16)inside, plan[r].ox0, plan[r].kx};
  }
  COL2IM_EACH_ROW(col2im_row16);
  return 1;
}
#endif
