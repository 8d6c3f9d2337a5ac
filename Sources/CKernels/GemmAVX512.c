// The AVX-512 microkernel (an 8×32 tile in sixteen 16-lane accumulators) and packers: transposed
// matrices through 16×16 register transposes, im2col matrices by masked gathers (one per tap and 16
// positions, or per position and 16 taps), so padding, strides and sample boundaries cost nothing
// extra.
#include "GemmKernels.h"

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>
#include <stdint.h>

#define MR 8
#define NR 32
#define TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma")))

// The tile's body: step p of segment s reads A's element i at rows[i][start_s + p·step] (a packed
// sliver: rows[i] = a + i, step MR, one segment; A read in place: its rows, or its columns when
// transposed; or an image's rows, step 1, a segment per output row). B's row of step p is at
// b + p·ldb, or, given `b_rows`, at b_rows[p] + b_column (rows picked out of a matrix: the steps a
// product skips; b_rows holds kc + 8 pointers, the last 8 only prefetched). Inlined into every
// kernel below, so the packed one compiles to what it was before A could be read in place.
TARGET __attribute__((always_inline)) static inline void tile_avx512(
    int kc, int segments, const gemm_segment *segment, const float *const rows_of_a[MR], ptrdiff_t step,
    const float *restrict b, ptrdiff_t ldb, const float *const *b_rows, ptrdiff_t b_column, float *restrict c,
    ptrdiff_t ldc, int accumulate, int rows, int columns) {
  __m512 sum[MR][2];
  for (int i = 0; i < MR; i++) sum[i][0] = sum[i][1] = _mm512_setzero_ps();
  // C's tile is read or written only after the loop: ask for it now (13% on a 512×3136 gradient
  // with a shared dimension of 32, whose C is far larger than the caches).
  for (int i = 0; i < rows; i++) {
    _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch((const char *)(c + i * ldc + 16), _MM_HINT_T0);
  }
  if (columns <= 16) {
    // A sliver of at most 16 columns (a product's last: a weight gradient's 36 taps are 32 + 4)
    // needs half the multiply-adds, and only the first 16 floats of B's rows (the packers may leave
    // the rest unwritten). The same sums for the columns stored.
    ptrdiff_t offset = segment[0].start;
    for (int p = 0, s = 0, left = segment[0].length; p < kc; p++) {
      const __m512 b0 = _mm512_loadu_ps(b_rows != NULL ? b_rows[p] + b_column : b);
      for (int i = 0; i < MR; i++)
        sum[i][0] = _mm512_fmadd_ps(_mm512_set1_ps(rows_of_a[i][offset]), b0, sum[i][0]);
      offset += step;
      b += ldb;
      // One flat loop (nested ones made clang keep the sums in memory).
      if (--left == 0 && ++s < segments) offset = segment[s].start, left = segment[s].length;
    }
  } else {
    ptrdiff_t offset = segment[0].start;
    for (int p = 0, s = 0, left = segment[0].length; p < kc; p++) {
      const float *row = b_rows != NULL ? b_rows[p] + b_column : b;
      const __m512 b0 = _mm512_loadu_ps(row), b1 = _mm512_loadu_ps(row + 16);
      // B's row 8 steps ahead: read in place (a dense layer's weights in dx = dy·W), its rows lie
      // a page apart, where the hardware prefetchers do not follow (dx at batch 32 on an Intel
      // Xeon: 63 → 54 µs); packed, it is 1 KB further along the same sliver. Rows picked out:
      // 4 steps ahead (scripts/microbench/run dense_input_gradient: 49.3 → 47.2 µs at a quarter
      // of the steps skipped; 8 steps ahead of rows that share two L1 sets evict rows still in use).
      const float *ahead = b_rows != NULL ? b_rows[p + 4] + b_column : b + 8 * ldb;
      _mm_prefetch((const char *)ahead, _MM_HINT_T0);
      _mm_prefetch((const char *)(ahead + 16), _MM_HINT_T0);
      for (int i = 0; i < MR; i++) {
        const __m512 ai = _mm512_set1_ps(rows_of_a[i][offset]);
        sum[i][0] = _mm512_fmadd_ps(ai, b0, sum[i][0]);
        sum[i][1] = _mm512_fmadd_ps(ai, b1, sum[i][1]);
      }
      offset += step;
      b += ldb;
      // One flat loop (nested ones made clang keep the sums in memory).
      if (--left == 0 && ++s < segments) offset = segment[s].start, left = segment[s].length;
    }
  }
  const __mmask16 low = columns >= 16 ? 0xFFFF : (__mmask16)((1u << columns) - 1);
  const __mmask16 high = columns >= 32 ? 0xFFFF : columns <= 16 ? 0 : (__mmask16)((1u << (columns - 16)) - 1);
  for (int i = 0; i < rows; i++) {
    float *row = c + i * ldc;
    __m512 v0 = sum[i][0], v1 = sum[i][1];
    if (accumulate == 1) {
      v0 = _mm512_add_ps(_mm512_maskz_loadu_ps(low, row), v0);
      v1 = _mm512_add_ps(_mm512_maskz_loadu_ps(high, row + 16), v1);
    } else if (accumulate == 2) {  // onto zeros not stored: C is not read
      v0 = _mm512_add_ps(_mm512_setzero_ps(), v0);
      v1 = _mm512_add_ps(_mm512_setzero_ps(), v1);
    }
    _mm512_mask_storeu_ps(row, low, v0);
    _mm512_mask_storeu_ps(row + 16, high, v1);
  }
}

TARGET static void kernel_avx512(int kc, const float *restrict a, const float *restrict b,
                                 ptrdiff_t ldb, float *restrict c, ptrdiff_t ldc, int accumulate, int rows,
                                 int columns) {
  const float *rows_of_a[MR];
  for (int i = 0; i < MR; i++) rows_of_a[i] = a + i;
  const gemm_segment all = {0, kc};
  tile_avx512(kc, 1, &all, rows_of_a, MR, b, ldb, NULL, 0, c, ldc, accumulate, rows, columns);
}

// A packed sliver, B's row of step p at b_rows[p] + b_column (GemmKernels.h).
TARGET static void kernel_b_rows_avx512(int kc, const float *restrict a, const float *const *b_rows,
                                        ptrdiff_t b_column, float *restrict c, ptrdiff_t ldc, int accumulate,
                                        int rows, int columns) {
  const float *rows_of_a[MR];
  for (int i = 0; i < MR; i++) rows_of_a[i] = a + i;
  const gemm_segment all = {0, kc};
  tile_avx512(kc, 1, &all, rows_of_a, MR, b_rows[0], 0, b_rows, b_column, c, ldc, accumulate, rows, columns);
}

// Whether x[0 … count) holds no ∞ or NaN (an exponent of all ones).
TARGET static int all_finite_avx512(const float *x, int count) {
  const __m512i exponent = _mm512_set1_epi32(0x7F800000);
  __m512i largest = _mm512_setzero_si512();
  int i = 0;
  for (; i + 16 <= count; i += 16)
    largest = _mm512_max_epu32(largest, _mm512_and_si512(_mm512_loadu_si512(x + i), exponent));
  const __mmask16 tail = (__mmask16)((1u << (count - i)) - 1);
  largest = _mm512_max_epu32(largest, _mm512_and_si512(_mm512_maskz_loadu_epi32(tail, x + i), exponent));
  return _mm512_cmpeq_epi32_mask(largest, exponent) == 0;
}

// A read where it is: rows past `rows` are not read (their sums, never stored, repeat row 0's).
TARGET static void kernel_in_place_a_avx512(int kc, const float *a, ptrdiff_t row_stride,
                                            ptrdiff_t column_stride, const float *restrict b, ptrdiff_t ldb,
                                            float *restrict c, ptrdiff_t ldc, int accumulate, int rows,
                                            int columns) {
  const float *rows_of_a[MR];
  for (int i = 0; i < MR; i++) rows_of_a[i] = a + (i < rows ? i : 0) * row_stride;
  const gemm_segment all = {0, kc};
  tile_avx512(kc, 1, &all, rows_of_a, column_stride, b, ldb, NULL, 0, c, ldc, accumulate, rows, columns);
}

// A read in place in runs (a weight gradient's image rows), always added to C.
TARGET static void kernel_segments_avx512(int kc, int segments, const gemm_segment *segment, const float *a,
                                     const int *row_offset, const float *restrict b, ptrdiff_t ldb,
                                     float *restrict c, ptrdiff_t ldc, int rows, int columns) {
  const float *rows_of_a[MR];
  for (int i = 0; i < MR; i++) rows_of_a[i] = a + row_offset[i < rows ? i : 0];
  tile_avx512(kc, segments, segment, rows_of_a, 1, b, ldb, NULL, 0, c, ldc, 1, rows, columns);
}

// Kernel rows of 3 taps (GemmKernels.h), G of them a constant once inlined: 3·G sums of 16 filters,
// each tap's value a group pointer plus the step's offset plus 0, 1 or 2 floats. Each sum is
// fma(value, dY, sum) over the steps in order from zero, then C + sum: kernel_segments' tile.
TARGET __attribute__((always_inline)) static inline void kernel_rows_tile(
    int kc, int segments, const gemm_segment *segment, const float *a, const int *group_offset,
    const float *restrict b, ptrdiff_t ldb, float *restrict c, ptrdiff_t ldc, int columns, const int G) {
  const float *row[GEMM_KERNEL_ROW_GROUPS];
  __m512 sum[3 * GEMM_KERNEL_ROW_GROUPS];
  for (int g = 0; g < G; g++) row[g] = a + group_offset[g];
  for (int t = 0; t < 3 * G; t++) sum[t] = _mm512_setzero_ps();
  ptrdiff_t offset = segment[0].start;
  for (int p = 0, s = 0, left = segment[0].length; p < kc; p++) {
    const __m512 b0 = _mm512_loadu_ps(b);
    for (int g = 0; g < G; g++)
      for (int k = 0; k < 3; k++)
        sum[3 * g + k] = _mm512_fmadd_ps(_mm512_set1_ps(row[g][offset + k]), b0, sum[3 * g + k]);
    offset++;
    b += ldb;
    if (--left == 0 && ++s < segments) offset = segment[s].start, left = segment[s].length;
  }
  const __mmask16 lanes = columns >= 16 ? 0xFFFF : (__mmask16)((1u << columns) - 1);
  for (int t = 0; t < 3 * G; t++) {
    float *out = c + t * ldc;
    _mm512_mask_storeu_ps(out, lanes, _mm512_add_ps(_mm512_maskz_loadu_ps(lanes, out), sum[t]));
  }
}

#define KERNEL_ROWS(G)                                                                                        \
  TARGET static void kernel_rows_##G(int kc, int segments, const gemm_segment *segment, const float *a,      \
                                     const int *group_offset, const float *restrict b, ptrdiff_t ldb,        \
                                     float *restrict c, ptrdiff_t ldc, int columns) {                        \
    kernel_rows_tile(kc, segments, segment, a, group_offset, b, ldb, c, ldc, columns, G);                    \
  }
KERNEL_ROWS(1)
KERNEL_ROWS(2)
KERNEL_ROWS(3)
KERNEL_ROWS(4)
KERNEL_ROWS(5)
KERNEL_ROWS(6)

TARGET static void kernel_rows_avx512(int kc, int segments, const gemm_segment *segment, const float *a,
                                      const int *group_offset, int groups, const float *b, ptrdiff_t ldb,
                                      float *c, ptrdiff_t ldc, int columns) {
  typedef void (*tile)(int, int, const gemm_segment *, const float *, const int *, const float *, ptrdiff_t,
                       float *, ptrdiff_t, int);
  static const tile by_groups[GEMM_KERNEL_ROW_GROUPS] = {kernel_rows_1, kernel_rows_2, kernel_rows_3,
                                                         kernel_rows_4, kernel_rows_5, kernel_rows_6};
  by_groups[groups - 1](kc, segments, segment, a, group_offset, b, ldb, c, ldc, columns);
}

// Per 16 positions: the input offset of each window's top-left corner (row and column may be
// negative with padding), the corner's row and column, and which lanes are real positions.
typedef struct {
  __m512i offset, row, column;
  __mmask16 lanes;
} window_corners;

TARGET static window_corners corners(const gemm_convolution *s, int first, int count) {
  int offset[16], row[16], column[16];
  const int plane = s->output_height * s->output_width;
  int n = first / plane, within = first % plane;
  int oy = within / s->output_width, ox = within % s->output_width;
  for (int lane = 0; lane < 16; lane++) {
    const int y = oy * s->stride - s->padding, x = ox * s->stride - s->padding;
    offset[lane] = (n * s->channels * s->height + y) * s->width + x;
    row[lane] = y;
    column[lane] = x;
    if (++ox == s->output_width) {
      ox = 0;
      if (++oy == s->output_height) { oy = 0; n++; }
    }
  }
  window_corners w;
  w.offset = _mm512_loadu_si512(offset);
  w.row = _mm512_loadu_si512(row);
  w.column = _mm512_loadu_si512(column);
  w.lanes = count >= 16 ? 0xFFFF : count <= 0 ? 0 : (__mmask16)((1u << count) - 1);
  return w;
}

// The 16 values of tap (c, ky, kx) for the windows `w` (zeros outside the image and past the end).
TARGET static inline __m512 gather_tap(const gemm_convolution *s, const window_corners *w,
                                       int tap_offset, int ky, int kx) {
  const __m512i y = _mm512_add_epi32(w->row, _mm512_set1_epi32(ky));
  const __m512i x = _mm512_add_epi32(w->column, _mm512_set1_epi32(kx));
  __mmask16 inside = w->lanes;
  if (s->padding > 0) {
    // 0 ≤ y < H and 0 ≤ x < W, as unsigned comparisons.
    inside &= _mm512_cmplt_epu32_mask(y, _mm512_set1_epi32(s->height));
    inside &= _mm512_cmplt_epu32_mask(x, _mm512_set1_epi32(s->width));
  }
  const __m512i index = _mm512_add_epi32(w->offset, _mm512_set1_epi32(tap_offset));
  return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), inside, index, s->input, 4);
}

// The 16 lanes of `runs` at `shift` past their offsets (zeros elsewhere). Masked-off lanes are
// never read, so the origin may lie before the input.
TARGET static inline __m512 load_runs(const float *input, const gemm_runs *runs, ptrdiff_t shift) {
  __m512 v = _mm512_setzero_ps();
  for (int r = 0; r < runs->count; r++) {
    const float *origin = (const float *)((uintptr_t)input + (uintptr_t)((runs->origin[r] + shift) * (ptrdiff_t)sizeof(float)));
    v = _mm512_mask_loadu_ps(v, (__mmask16)runs->mask[r], origin);
  }
  return v;
}

TARGET static void pack_convolution_avx512(const gemm_convolution *source, int k0, int kc, int j0,
                                           int nc, int nr, float *dst) {
  // Windows and taps as the view has them (a space-to-depth copy, when there is one).
  const gemm_convolution view = gemm_window_view(source);
  const gemm_convolution *s = &view;
  int tap_offsets[GEMM_MAX_KC];
  gemm_tap_offsets(source, k0, kc, tap_offsets);
  const int taps = s->kernel_height * s->kernel_width;
  for (int t = 0; t < nc; t += nr) {
    float *sliver = dst + (ptrdiff_t)t * kc;
    for (int half = 0; half < nr; half += 16) {
      const window_corners w = corners(s, j0 + t + half, nc - t - half);
      gemm_runs runs = {0, {0}, {0}};
      if (s->padding == 0) {
        int offset[16];
        _mm512_storeu_si512(offset, w.offset);
        runs = gemm_find_runs(offset, w.lanes, 16);
      }
      int ky = (k0 % taps) / s->kernel_width, kx = k0 % s->kernel_width;
      for (int p = 0; p < kc; p++) {
        const __m512 values = runs.count > 0 ? load_runs(s->input, &runs, tap_offsets[p])
                                             : gather_tap(s, &w, tap_offsets[p], ky, kx);
        _mm512_storeu_ps(sliver + (ptrdiff_t)p * nr + half, values);
        if (++kx == s->kernel_width) {
          kx = 0;
          if (++ky == s->kernel_height) ky = 0;
        }
      }
    }
  }
}

// Transposes 16 vectors of 16 in place: r[i][j] becomes r[j][i].
TARGET static inline void transpose16(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  // Now, in 128-bit lane L, r[4g + s] holds column 4L + s of rows 4g … 4g + 3.
  for (int i = 0; i < 16; i += 4) {
    const __m512d t0 = _mm512_castps_pd(t[i]), t1 = _mm512_castps_pd(t[i + 1]);
    const __m512d t2 = _mm512_castps_pd(t[i + 2]), t3 = _mm512_castps_pd(t[i + 3]);
    r[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(t0, t2));
    r[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(t0, t2));
    r[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(t1, t3));
    r[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(t1, t3));
  }
  for (int s = 0; s < 4; s++) {
    const __m512 x0 = _mm512_shuffle_f32x4(r[s], r[4 + s], 0x88), x1 = _mm512_shuffle_f32x4(r[s], r[4 + s], 0xDD);
    const __m512 x2 = _mm512_shuffle_f32x4(r[8 + s], r[12 + s], 0x88), x3 = _mm512_shuffle_f32x4(r[8 + s], r[12 + s], 0xDD);
    t[s] = _mm512_shuffle_f32x4(x0, x2, 0x88);
    t[8 + s] = _mm512_shuffle_f32x4(x0, x2, 0xDD);
    t[4 + s] = _mm512_shuffle_f32x4(x1, x3, 0x88);
    t[12 + s] = _mm512_shuffle_f32x4(x1, x3, 0xDD);
  }
  for (int i = 0; i < 16; i++) r[i] = t[i];
}

// Loads `rows` rows of up to 16 floats (`count`, the rest 0) at `origin`, `stride` apart, zero rows
// after them, and transposes: r[p] then holds element p of each row.
TARGET static inline void load_transposed(__m512 r[16], const float *origin, ptrdiff_t stride, int rows,
                                          int count) {
  const __mmask16 mask = count >= 16 ? 0xFFFF : (__mmask16)((1u << count) - 1);
  for (int i = 0; i < 16; i++) r[i] = i < rows ? _mm512_maskz_loadu_ps(mask, origin + i * stride) : _mm512_setzero_ps();
  transpose16(r);
}

// Row-major A (column stride 1): two 8-row slivers at a time, 16 columns by 16.
TARGET static void pack_a_avx512(const gemm_matrix *a, int i0, int mc, int k0, int kc, int mr, float *dst) {
  if (a->column_stride != 1 || mr != MR) {
    gemm_pack_a_generic(a, i0, mc, k0, kc, mr, dst);
    return;
  }
  for (int s = 0; s < mc; s += 2 * MR) {
    float *first = dst + (ptrdiff_t)s * kc, *second = first + (ptrdiff_t)MR * kc;
    const int rows = mc - s < 2 * MR ? mc - s : 2 * MR;
    const float *origin = a->data + (i0 + s) * a->row_stride + k0;
    for (int p = 0; p < kc; p += 16) {
      const int count = kc - p < 16 ? kc - p : 16;
      __m512 r[16];
      load_transposed(r, origin + p, a->row_stride, rows, count);
      for (int q = 0; q < count; q++) {
        _mm256_storeu_ps(first + (p + q) * MR, _mm512_castps512_ps256(r[q]));
        if (rows > MR) _mm256_storeu_ps(second + (p + q) * MR, _mm512_extractf32x8_ps(r[q], 1));
      }
    }
  }
}

// Transposed B (row stride 1): each 32-column sliver as two 16×16 transposes per 16 rows.
TARGET static void pack_b_avx512(const gemm_matrix *b, int k0, int kc, int j0, int nc, int nr, float *dst) {
  if (b->column_stride == 1 && nr == NR) {
    // Row-major (a dense layer's input x in dW = dyᵀ·x): each sliver row is two masked loads and
    // stores, zeros past the last column (the generic packer's memcpy of 128 bytes per row cost
    // about as much as the copy itself).
    for (int t = 0; t < nc; t += NR) {
      float *sliver = dst + (ptrdiff_t)t * kc;
      const int columns = nc - t < NR ? nc - t : NR;
      const __mmask16 low = columns >= 16 ? 0xFFFF : (__mmask16)((1u << columns) - 1);
      const __mmask16 high = columns >= 32 ? 0xFFFF : columns <= 16 ? 0 : (__mmask16)((1u << (columns - 16)) - 1);
      const float *origin = b->data + (ptrdiff_t)k0 * b->row_stride + (j0 + t);
      for (int p = 0; p < kc; p++) {
        const float *row = origin + (ptrdiff_t)p * b->row_stride;
        _mm512_storeu_ps(sliver + p * NR, _mm512_maskz_loadu_ps(low, row));
        _mm512_storeu_ps(sliver + p * NR + 16, _mm512_maskz_loadu_ps(high, row + 16));
      }
    }
    return;
  }
  if (b->row_stride != 1 || nr != NR) {
    gemm_pack_b_generic(b, k0, kc, j0, nc, nr, dst);
    return;
  }
  for (int t = 0; t < nc; t += NR) {
    float *sliver = dst + (ptrdiff_t)t * kc;
    for (int half = 0; half < NR; half += 16) {
      // A sliver of at most 16 columns: the microkernel reads only its first half.
      if (half > 0 && nc - t <= half) break;
      const int rows = nc - t - half < 16 ? nc - t - half : 16;
      const float *origin = b->data + (j0 + t + half) * b->column_stride + k0;
      for (int p = 0; p < kc; p += 16) {
        const int count = kc - p < 16 ? kc - p : 16;
        __m512 r[16];
        load_transposed(r, origin + p, b->column_stride, rows, count);
        for (int q = 0; q < count; q++) _mm512_storeu_ps(sliver + (p + q) * NR + half, r[q]);
      }
    }
  }
}

// Per position and 16 taps of a sliver: the weight-gradient packer's gather.
typedef struct {
  __m512i offset, row, column;
  __mmask16 lanes;
} tap_lanes;

TARGET static tap_lanes taps_from(const gemm_convolution *s, int first, int count) {
  int offset[16], row[16], column[16];
  const int taps = s->kernel_height * s->kernel_width;
  int c = first / taps, ky = first % taps / s->kernel_width, kx = first % s->kernel_width;
  for (int lane = 0; lane < 16; lane++) {
    offset[lane] = (c * s->height + ky) * s->width + kx;
    row[lane] = ky;
    column[lane] = kx;
    if (++kx == s->kernel_width) {
      kx = 0;
      if (++ky == s->kernel_height) { ky = 0; c++; }
    }
  }
  tap_lanes l;
  l.offset = _mm512_loadu_si512(offset);
  l.row = _mm512_loadu_si512(row);
  l.column = _mm512_loadu_si512(column);
  l.lanes = count >= 16 ? 0xFFFF : count <= 0 ? 0 : (__mmask16)((1u << count) - 1);
  return l;
}

TARGET static void pack_convolution_transposed_avx512(const gemm_convolution *s, int k0, int kc, int j0,
                                                      int nc, int nr, float *dst) {
  const int plane = s->output_height * s->output_width;
  const __m512i height = _mm512_set1_epi32(s->height), width = _mm512_set1_epi32(s->width);
  for (int t = 0; t < nc; t += nr) {
    float *sliver = dst + (ptrdiff_t)t * kc;
    for (int half = 0; half < nr; half += 16) {
      // A sliver of at most 16 taps: the microkernel reads only its first half.
      if (half > 0 && nc - t <= half) break;
      const tap_lanes l = taps_from(s, j0 + t + half, nc - t - half);
      gemm_runs runs = {0, {0}, {0}};
      if (s->padding == 0) {
        int offset[16];
        _mm512_storeu_si512(offset, l.offset);
        runs = gemm_find_runs(offset, l.lanes, 16);
      }
      int n = k0 / plane, oy = k0 % plane / s->output_width, ox = k0 % s->output_width;
      for (int p = 0; p < kc; p++) {
        const int y0 = oy * s->stride - s->padding, x0 = ox * s->stride - s->padding;
        const int corner = (n * s->channels * s->height + y0) * s->width + x0;
        __m512 values;
        if (runs.count > 0) {
          values = load_runs(s->input, &runs, corner);
        } else {
          __mmask16 inside = l.lanes;
          if (s->padding > 0) {
            inside &= _mm512_cmplt_epu32_mask(_mm512_add_epi32(l.row, _mm512_set1_epi32(y0)), height);
            inside &= _mm512_cmplt_epu32_mask(_mm512_add_epi32(l.column, _mm512_set1_epi32(x0)), width);
          }
          const __m512i index = _mm512_add_epi32(l.offset, _mm512_set1_epi32(corner));
          values = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), inside, index, s->input, 4);
        }
        _mm512_storeu_ps(sliver + (ptrdiff_t)p * nr + half, values);
        if (++ox == s->output_width) {
          ox = 0;
          if (++oy == s->output_height) { oy = 0; n++; }
        }
      }
    }
  }
}

// A row of the space-to-depth copy for strides 2 and 4 (the Nature network's), 16 floats at a
// time, permuted so that each of the q column classes lies in one part of the register, each part
// stored at once (unmasked: masked stores are slow on AMD Zen 4); the row's tail with masks, and
// other strides as in plain C.
TARGET static void space_to_depth_row_avx512(const float *row, int width, int q, float *first, ptrdiff_t depth_plane) {
  if (q != 2 && q != 4) {
    gemm_space_to_depth_row_generic(row, width, q, first, depth_plane);
    return;
  }
  const __m512i order = q == 4 ? _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15)
                               : _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
  const int part = 16 / q;  // floats of one column class among 16
  int x = 0;
  for (; x + 16 <= width; x += 16) {
    const __m512 v = _mm512_permutexvar_ps(order, _mm512_loadu_ps(row + x));
    if (q == 4) {
      _mm_storeu_ps(first + x / 4, _mm512_castps512_ps128(v));
      _mm_storeu_ps(first + depth_plane + x / 4, _mm512_extractf32x4_ps(v, 1));
      _mm_storeu_ps(first + 2 * depth_plane + x / 4, _mm512_extractf32x4_ps(v, 2));
      _mm_storeu_ps(first + 3 * depth_plane + x / 4, _mm512_extractf32x4_ps(v, 3));
    } else {
      _mm256_storeu_ps(first + x / 2, _mm512_castps512_ps256(v));
      _mm256_storeu_ps(first + depth_plane + x / 2, _mm512_extractf32x8_ps(v, 1));
    }
  }
  if (x < width) {
    const int count = width - x;
    const __m512 v = _mm512_permutexvar_ps(order, _mm512_maskz_loadu_ps((__mmask16)((1u << count) - 1), row + x));
    for (int rx = 0; rx < q; rx++) {
      // Column class rx has the floats x + rx, x + rx + q, … below x + count: stored from lanes
      // rx·part … with the register placed rx·part floats early (masked-off lanes are never
      // written).
      const int n = count > rx ? (count - rx + q - 1) / q : 0;
      const __mmask16 lanes = (__mmask16)(((1u << n) - 1) << (rx * part));
      float *origin = (float *)((uintptr_t)(first + rx * depth_plane + x / q) - (uintptr_t)(rx * part * (int)sizeof(float)));
      _mm512_mask_storeu_ps(origin, lanes, v);
    }
  }
}

// ---- A direct convolution (GemmKernels.h) ---------------------------------------------------------

// The tiles for output rows of `ow` positions, a constant once inlined (0: rows longer than 16).
// Position i of a tile sums, tap by tap, fma(image value, the tap's 16 weights, sum) from zero:
// the products and order of the packed forward's tile (its fma(weight, value, sum), the same
// exact product), so the same sums; then sum + bias and the ReLU as ckernels_add_bias_by_sample's
// (0 ≥ v ? 0 : v). Each position's address is a row's pointer plus a constant plus the tap's
// offset, so every multiply-add broadcasts straight from the image.
TARGET __attribute__((always_inline)) static inline void direct_tiles(const gemm_direct_convolution *d, int first,
                                                                      int count, const int ow) {
  enum { MAX_ROWS = 8 };
  const int rows = ow ? 16 / ow : 1;           // output rows per tile (at most MAX_ROWS: ow ≥ 2)
  const int positions = ow ? rows * ow : 16;   // positions per tile
  const int run = ow ? ow : 16;                // positions per row within a tile
  const int width = ow ? ow : d->output_width;  // the output row's length
  const ptrdiff_t sample = (ptrdiff_t)d->channels * d->height * d->width;
  const int plane = d->output_height * width;
  const __m512 zero = _mm512_setzero_ps();
  for (int t = first; t < first + count; t++) {
    const int n = t / d->tiles_per_sample, within = t % d->tiles_per_sample;
    const float *image = d->input + n * sample;
    const float *row[MAX_ROWS];
    int start;           // the tile's first position in the output plane
    __mmask16 lanes;     // the positions it stores
    if (ow) {
      const int oy = within * rows, left = d->output_height - oy;
      // Rows past the image's last read its last row (in the input), never stored.
      for (int r = 0; r < rows; r++) row[r] = image + (ptrdiff_t)(oy + (r < left ? r : left - 1)) * d->width;
      start = oy * ow;
      const int stored = (left < rows ? left : rows) * ow;
      lanes = stored >= 16 ? 0xFFFF : (__mmask16)((1u << stored) - 1);
    } else {
      const int oy = within / d->tiles_per_row;
      int ox = within % d->tiles_per_row * 16;
      lanes = 0xFFFF;
      if (ox > width - 16) {
        lanes = (__mmask16)(0xFFFF << (ox - (width - 16)));  // the positions not stored already
        ox = width - 16;
      }
      row[0] = image + (ptrdiff_t)oy * d->width + ox;
      start = oy * width + ox;
    }
    __m512 sum[16];
    for (int i = 0; i < 16; i++) sum[i] = zero;
    const float *weights = d->packed_weights;
    // Four taps per pass of the loop: MinAtar's 36-tap convolution 20.6 → 19.6 µs at batch 32
    // (scripts/microbench/run convolution_minatar), the loop's own instructions shared.
    _Pragma("clang loop unroll_count(4)")
    for (int p = 0; p < d->taps; p++, weights += 16) {
      const __m512 w = _mm512_loadu_ps(weights);
      const int offset = d->tap_offset[p];
      for (int i = 0; i < positions; i++)
        sum[i] = _mm512_fmadd_ps(_mm512_set1_ps(row[i / run][offset + i % run]), w, sum[i]);
    }
    transpose16(sum);
    float *out = d->output + (ptrdiff_t)n * d->filters * plane + start;
    for (int f = 0; f < d->filters; f++) {
      __m512 v = _mm512_add_ps(sum[f], _mm512_set1_ps(d->bias[f]));
      if (d->relu) v = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(zero, v, _CMP_NGE_UQ), v);
      _mm512_mask_storeu_ps(out + (ptrdiff_t)f * plane, lanes, v);
    }
  }
}

#define DIRECT_TILES(OW)                                                                                      \
  TARGET static void direct_tiles_##OW(const gemm_direct_convolution *d, int first, int count) {            \
    direct_tiles(d, first, count, OW);                                                                        \
  }
DIRECT_TILES(0)
DIRECT_TILES(2)
DIRECT_TILES(3)
DIRECT_TILES(4)
DIRECT_TILES(5)
DIRECT_TILES(6)
DIRECT_TILES(7)
DIRECT_TILES(8)
DIRECT_TILES(9)
DIRECT_TILES(10)
DIRECT_TILES(11)
DIRECT_TILES(12)
DIRECT_TILES(13)
DIRECT_TILES(14)
DIRECT_TILES(15)
DIRECT_TILES(16)

// Wide tiles: `positions` (T ≤ 12) consecutive positions of one output row × 32 filters (a pair
// of registers: the tile's `pair`), 2·T sums in registers, T and the stride S constants once
// inlined so that every position's value is the row's pointer plus a constant plus the tap's
// offset. Each block of taps is summed from zero, position by position the products of the packed
// forward's tile in its order (fma(value, weight, sum) against its fma(weight, value, sum): the
// same exact products), and added to the blocks' before it (total + sum, as C + sum there). Then,
// per register of filters, the T positions are transposed into rows of one filter each and stored
// with the bias and ReLU.
TARGET __attribute__((always_inline)) static inline void direct_wide_tiles(const gemm_direct_convolution *d, int first,
                                                                           int count, const int S, const int T) {
  enum { V = 2 };
  const int ow = d->output_width, plane = d->output_height * ow;
  const ptrdiff_t sample = (ptrdiff_t)d->channels * d->height * d->width;
  const int tiles_per_pair = d->output_height * d->tiles_per_row;
  const __m512 zero = _mm512_setzero_ps();
  for (int t = first; t < first + count; t++) {
    const int n = t / d->tiles_per_sample, within = t % d->tiles_per_sample;
    const int pair = within / tiles_per_pair, place = within % tiles_per_pair;
    const int oy = place / d->tiles_per_row;
    int ox = place % d->tiles_per_row * T;
    __mmask16 lanes = (__mmask16)((1u << T) - 1);
    if (ox > ow - T) {
      lanes = (__mmask16)(lanes & (0xFFFFu << (ox - (ow - T))));  // the positions not stored already
      ox = ow - T;
    }
    const float *corner = d->input + n * sample + (ptrdiff_t)oy * S * d->width + (ptrdiff_t)ox * S;
    const float *pair_weights = d->packed_weights + (ptrdiff_t)pair * d->taps * V * 16;
    __m512 total[2 * 12];  // the blocks' sums before this one, [position][vector]
    for (int k0 = 0; k0 < d->taps; k0 += d->block) {
      const int k1 = d->taps - k0 < d->block ? d->taps : k0 + d->block;
      // The loops over positions and vectors are unrolled, so that the sums stay in registers.
      __m512 sum[2 * 12];
#pragma clang loop unroll(full)
      for (int i = 0; i < T * V; i++) sum[i] = zero;
      const float *weights = pair_weights + (ptrdiff_t)k0 * V * 16;
      for (int p = k0; p < k1; p++, weights += V * 16) {
        const __m512 w0 = _mm512_loadu_ps(weights), w1 = _mm512_loadu_ps(weights + 16);
        const float *at = corner + d->tap_offset[p];
#pragma clang loop unroll(full)
        for (int i = 0; i < T; i++) {
          const __m512 x = _mm512_set1_ps(at[i * S]);
          sum[i * V] = _mm512_fmadd_ps(x, w0, sum[i * V]);
          sum[i * V + 1] = _mm512_fmadd_ps(x, w1, sum[i * V + 1]);
        }
      }
      if (k0 > 0) {
#pragma clang loop unroll(full)
        for (int i = 0; i < T * V; i++) sum[i] = _mm512_add_ps(total[i], sum[i]);
      }
      if (k1 < d->taps) {
#pragma clang loop unroll(full)
        for (int i = 0; i < T * V; i++) total[i] = sum[i];
        continue;
      }
      float *out = d->output + ((ptrdiff_t)n * d->filters + pair * 32) * plane + oy * ow + ox;
#pragma clang loop unroll(full)
      for (int v = 0; v < V; v++) {
        __m512 r[16];
#pragma clang loop unroll(full)
        for (int i = 0; i < 16; i++) r[i] = i < T ? sum[i * V + v] : zero;
        transpose16(r);
        const int filter = pair * 32 + v * 16;
        for (int f = 0; f < 16 && filter + f < d->filters; f++) {
          __m512 value = _mm512_add_ps(r[f], _mm512_set1_ps(d->bias[filter + f]));
          if (d->relu) value = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(zero, value, _CMP_NGE_UQ), value);
          _mm512_mask_storeu_ps(out + (ptrdiff_t)(v * 16 + f) * plane, lanes, value);
        }
      }
    }
  }
}

#define DIRECT_WIDE_TILES(S, T)                                                                           \
  TARGET static void direct_wide_##S##_##T(const gemm_direct_convolution *d, int first, int count) {   \
    direct_wide_tiles(d, first, count, S, T);                                                             \
  }
#define DIRECT_WIDE_STRIDE(S) \
  DIRECT_WIDE_TILES(S, 6) DIRECT_WIDE_TILES(S, 7) DIRECT_WIDE_TILES(S, 8) DIRECT_WIDE_TILES(S, 9) \
  DIRECT_WIDE_TILES(S, 10) DIRECT_WIDE_TILES(S, 11) DIRECT_WIDE_TILES(S, 12)
DIRECT_WIDE_STRIDE(1)
DIRECT_WIDE_STRIDE(2)
DIRECT_WIDE_STRIDE(4)
#define DIRECT_WIDE_ROW(S) \
  {direct_wide_##S##_6, direct_wide_##S##_7, direct_wide_##S##_8, direct_wide_##S##_9, direct_wide_##S##_10, \
   direct_wide_##S##_11, direct_wide_##S##_12}

// The direct convolution's weights, 16 filters × 16 taps at a time: read along the filters' rows,
// transposed in registers, stored a tap's filters at a time. The Nature network's second and third
// convolutions (32,768 and 36,864 weights) pack in about 4 µs each instead of 15–50 with a loop of
// single floats (Zen 4), which at batch 1, acting, cost as much as the convolution itself.
TARGET static void pack_direct_weights_avx512(const float *weights, int filters, int taps, int lanes, float *packed) {
  const int groups = (filters + lanes - 1) / lanes;
  for (int g = 0; g < groups; g++)
    for (int half = 0; half < lanes; half += 16) {
      const int first = g * lanes + half;
      const int rows = filters - first >= 16 ? 16 : filters - first > 0 ? filters - first : 0;
      float *to = packed + (ptrdiff_t)g * taps * lanes + half;
      for (int p0 = 0; p0 < taps; p0 += 16) {
        const int count = taps - p0 < 16 ? taps - p0 : 16;
        __m512 r[16];
        load_transposed(r, weights + (ptrdiff_t)first * taps + p0, taps, rows, count);
        for (int p = 0; p < count; p++) _mm512_storeu_ps(to + (ptrdiff_t)(p0 + p) * lanes, r[p]);
      }
    }
}

// Narrow tiles by output width (output rows of one position have none: 16 rows' pointers would not
// stay in registers), wide ones by stride and positions; the driver asks only for what is here.
TARGET static void direct_convolution_avx512(const gemm_direct_convolution *d, int first, int count) {
  static const gemm_direct_tiles by_width[17] = {
      NULL, NULL, direct_tiles_2, direct_tiles_3, direct_tiles_4, direct_tiles_5, direct_tiles_6,
      direct_tiles_7, direct_tiles_8, direct_tiles_9, direct_tiles_10, direct_tiles_11, direct_tiles_12,
      direct_tiles_13, direct_tiles_14, direct_tiles_15, direct_tiles_16};
  static const gemm_direct_tiles wide[3][7] = {DIRECT_WIDE_ROW(1), DIRECT_WIDE_ROW(2), DIRECT_WIDE_ROW(4)};
  if (d->positions > 0) wide[d->stride == 4 ? 2 : d->stride - 1][d->positions - 6](d, first, count);
  else (d->output_width > 16 ? direct_tiles_0 : by_width[d->output_width])(d, first, count);
}

const gemm_level gemm_level_avx512 = {
    .mr = MR, .nr = NR, .mc = 128, .kc = 256, .nc = 1024,
    // Zen 4, best of many products with warm caches: dx = dy·W at batch 32 (32×1024×128 and
    // 32×3136×512) runs 17-20% faster with W read in place, 48 rows 11%, 64 rows 6%; from 100 rows
    // up, or a short shared dimension (dW = dyᵀ·x, 128×1024×32), the A slivers' many passes over
    // strided rows of B cost more than the copy saves.
    .in_place_rows = 48,
    // A read in place up to 512 columns. Both limits re-measured on an Intel Xeon (2 AVX-512
    // multiply-add units, model 207): B in place +2% at 32 rows and +14% at 48; A in place +1% to
    // +48% up to 512 columns, but −25% on MinAtar's 1024-column dW = dyᵀ·x and −24% on Nature's
    // 3136-column dx: the same limits on both processors.
    .in_place_a_columns = 512,
    .kernel = kernel_avx512, .kernel_in_place_a = kernel_in_place_a_avx512, .kernel_b_rows = kernel_b_rows_avx512,
    .all_finite = all_finite_avx512,
    .kernel_segments = kernel_segments_avx512, .kernel_rows = kernel_rows_avx512, .pack_a = pack_a_avx512, .pack_b = pack_b_avx512,
    .pack_convolution = pack_convolution_avx512,
    .pack_convolution_transposed = pack_convolution_transposed_avx512,
    .space_to_depth_row = space_to_depth_row_avx512,
    .direct_convolution = direct_convolution_avx512,
    .pack_direct_weights = pack_direct_weights_avx512,
    .direct_lanes = 32, .direct_positions = 12,
    .col2im_rows = gemm_col2im_rows_avx512,
};
#endif
