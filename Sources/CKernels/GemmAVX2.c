// The AVX2 microkernel (a 6×16 tile in twelve 8-lane accumulators; Haswell and later, Zen) and
// packers: transposed matrices through 8×8 register transposes, im2col matrices by masked loads of
// runs of consecutive offsets or masked gathers, 8 lanes at a time (as GemmAVX512.c, 16 at a time).
#include "GemmKernels.h"

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#define MR 6
#define NR 16
#define TARGET __attribute__((target("avx2,fma")))

// The tile's body: step p of segment s reads A's element i at rows[i][start_s + p·step], B's row at
// b + p·ldb or b_rows[p] + b_column (as GemmAVX512.c's tile_avx512).
TARGET __attribute__((always_inline)) static inline void tile_avx2(
    int kc, int segments, const gemm_segment *segment, const float *const rows_of_a[MR], ptrdiff_t step,
    const float *restrict b, ptrdiff_t ldb, const float *const *b_rows, ptrdiff_t b_column, float *restrict c,
    ptrdiff_t ldc, int accumulate, int rows, int columns) {
  __m256 sum[MR][2];
  for (int i = 0; i < MR; i++) sum[i][0] = sum[i][1] = _mm256_setzero_ps();
  // C's tile is read or written only after the loop: ask for it now.
  for (int i = 0; i < rows; i++) _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
  if (columns <= 8) {
    // A sliver of at most 8 columns: half the multiply-adds, and only the first 8 floats of B's
    // rows (as GemmAVX512.c's kernel).
    ptrdiff_t offset = segment[0].start;
    for (int p = 0, s = 0, left = segment[0].length; p < kc; p++) {
      const __m256 b0 = _mm256_loadu_ps(b_rows != NULL ? b_rows[p] + b_column : b);
      for (int i = 0; i < MR; i++)
        sum[i][0] = _mm256_fmadd_ps(_mm256_broadcast_ss(rows_of_a[i] + offset), b0, sum[i][0]);
      offset += step;
      b += ldb;
      // One flat loop (nested ones made clang keep the sums in memory).
      if (--left == 0 && ++s < segments) offset = segment[s].start, left = segment[s].length;
    }
  } else {
    ptrdiff_t offset = segment[0].start;
    for (int p = 0, s = 0, left = segment[0].length; p < kc; p++) {
      const float *row = b_rows != NULL ? b_rows[p] + b_column : b;
      const __m256 b0 = _mm256_loadu_ps(row), b1 = _mm256_loadu_ps(row + 8);
      // Rows picked out of a matrix lie far apart: ask for the one 4 steps ahead (as AVX-512).
      if (b_rows != NULL) _mm_prefetch((const char *)(b_rows[p + 4] + b_column), _MM_HINT_T0);
      for (int i = 0; i < MR; i++) {
        const __m256 ai = _mm256_broadcast_ss(rows_of_a[i] + offset);
        sum[i][0] = _mm256_fmadd_ps(ai, b0, sum[i][0]);
        sum[i][1] = _mm256_fmadd_ps(ai, b1, sum[i][1]);
      }
      offset += step;
      b += ldb;
      // One flat loop (nested ones made clang keep the sums in memory).
      if (--left == 0 && ++s < segments) offset = segment[s].start, left = segment[s].length;
    }
  }
  if (columns == NR) {
    for (int i = 0; i < rows; i++) {
      float *row = c + i * ldc;
      __m256 v0 = sum[i][0], v1 = sum[i][1];
      if (accumulate == 1) {
        v0 = _mm256_add_ps(_mm256_loadu_ps(row), v0);
        v1 = _mm256_add_ps(_mm256_loadu_ps(row + 8), v1);
      } else if (accumulate == 2) {  // onto zeros not stored: C is not read
        v0 = _mm256_add_ps(_mm256_setzero_ps(), v0);
        v1 = _mm256_add_ps(_mm256_setzero_ps(), v1);
      }
      _mm256_storeu_ps(row, v0);
      _mm256_storeu_ps(row + 8, v1);
    }
    return;
  }
  for (int i = 0; i < rows; i++) {
    float lanes[NR];
    _mm256_storeu_ps(lanes, sum[i][0]);
    _mm256_storeu_ps(lanes + 8, sum[i][1]);
    float *row = c + i * ldc;
    for (int j = 0; j < columns; j++)
      row[j] = accumulate == 1 ? row[j] + lanes[j] : accumulate == 2 ? 0.0f + lanes[j] : lanes[j];
  }
}

TARGET static void kernel_avx2(int kc, const float *restrict a, const float *restrict b,
                               ptrdiff_t ldb, float *restrict c, ptrdiff_t ldc, int accumulate, int rows,
                               int columns) {
  const float *rows_of_a[MR];
  for (int i = 0; i < MR; i++) rows_of_a[i] = a + i;
  const gemm_segment all = {0, kc};
  tile_avx2(kc, 1, &all, rows_of_a, MR, b, ldb, NULL, 0, c, ldc, accumulate, rows, columns);
}

// A packed sliver, B's row of step p at b_rows[p] + b_column (GemmKernels.h).
TARGET static void kernel_b_rows_avx2(int kc, const float *restrict a, const float *const *b_rows,
                                      ptrdiff_t b_column, float *restrict c, ptrdiff_t ldc, int accumulate,
                                      int rows, int columns) {
  const float *rows_of_a[MR];
  for (int i = 0; i < MR; i++) rows_of_a[i] = a + i;
  const gemm_segment all = {0, kc};
  tile_avx2(kc, 1, &all, rows_of_a, MR, b_rows[0], 0, b_rows, b_column, c, ldc, accumulate, rows, columns);
}

// Whether x[0 … count) holds no ∞ or NaN (an exponent of all ones).
TARGET static int all_finite_avx2(const float *x, int count) {
  const __m256i exponent = _mm256_set1_epi32(0x7F800000);
  __m256i largest = _mm256_setzero_si256();
  int i = 0;
  for (; i + 8 <= count; i += 8)
    largest = _mm256_max_epu32(largest, _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(x + i)), exponent));
  unsigned bad = 0;
  for (; i < count; i++) {
    unsigned bits;
    memcpy(&bits, x + i, sizeof bits);
    bad |= (bits & 0x7F800000u) == 0x7F800000u;
  }
  return !bad && _mm256_movemask_epi8(_mm256_cmpeq_epi32(largest, exponent)) == 0;
}

// A read where it is: rows past `rows` are not read (their sums, never stored, repeat row 0's).
TARGET static void kernel_in_place_a_avx2(int kc, const float *a, ptrdiff_t row_stride,
                                          ptrdiff_t column_stride, const float *restrict b, ptrdiff_t ldb,
                                          float *restrict c, ptrdiff_t ldc, int accumulate, int rows,
                                          int columns) {
  const float *rows_of_a[MR];
  for (int i = 0; i < MR; i++) rows_of_a[i] = a + (i < rows ? i : 0) * row_stride;
  const gemm_segment all = {0, kc};
  tile_avx2(kc, 1, &all, rows_of_a, column_stride, b, ldb, NULL, 0, c, ldc, accumulate, rows, columns);
}

// A read in place in runs (a weight gradient's image rows), always added to C.
TARGET static void kernel_segments_avx2(int kc, int segments, const gemm_segment *segment, const float *a,
                                     const int *row_offset, const float *restrict b, ptrdiff_t ldb,
                                     float *restrict c, ptrdiff_t ldc, int rows, int columns) {
  const float *rows_of_a[MR];
  for (int i = 0; i < MR; i++) rows_of_a[i] = a + row_offset[i < rows ? i : 0];
  tile_avx2(kc, segments, segment, rows_of_a, 1, b, ldb, NULL, 0, c, ldc, 1, rows, columns);
}

// Transposes 8 vectors of 8 in place: r[i][j] becomes r[j][i].
TARGET static inline void transpose8(__m256 r[8]) {
  __m256 t[8], u[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 8; i += 4) {
    u[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
    u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
    u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
  }
  for (int i = 0; i < 4; i++) {
    r[i] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x20);
    r[i + 4] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x31);
  }
}

// The vector mask of the lanes set in `bits`.
TARGET static inline __m256i lane_mask(unsigned bits) {
  const __m256i lane_bits = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
  return _mm256_cmpeq_epi32(_mm256_and_si256(_mm256_set1_epi32((int)bits), lane_bits), lane_bits);
}

// Loads `rows` rows of up to 8 floats (`count`, the rest 0) at `origin`, `stride` apart, zero rows
// after them, and transposes: r[p] then holds element p of each row.
TARGET static inline void load_transposed(__m256 r[8], const float *origin, ptrdiff_t stride, int rows, int count) {
  const __m256i mask = lane_mask(count >= 8 ? 0xFFu : (1u << count) - 1);
  for (int i = 0; i < 8; i++) r[i] = i < rows ? _mm256_maskload_ps(origin + i * stride, mask) : _mm256_setzero_ps();
  transpose8(r);
}

// Row-major A (column stride 1): 6-row slivers, 8 columns at a time.
TARGET static void pack_a_avx2(const gemm_matrix *a, int i0, int mc, int k0, int kc, int mr, float *dst) {
  if (a->column_stride != 1 || mr != MR) {
    gemm_pack_a_generic(a, i0, mc, k0, kc, mr, dst);
    return;
  }
  const __m256i six = lane_mask(0x3Fu);
  for (int s = 0; s < mc; s += MR) {
    float *sliver = dst + (ptrdiff_t)s * kc;
    const int rows = mc - s < MR ? mc - s : MR;
    const float *origin = a->data + (i0 + s) * a->row_stride + k0;
    for (int p = 0; p < kc; p += 8) {
      const int count = kc - p < 8 ? kc - p : 8;
      __m256 r[8];
      load_transposed(r, origin + p, a->row_stride, rows, count);
      for (int q = 0; q < count; q++) _mm256_maskstore_ps(sliver + (p + q) * MR, six, r[q]);
    }
  }
}

// Transposed B (row stride 1): each 16-column sliver as two 8×8 transposes per 8 rows.
TARGET static void pack_b_avx2(const gemm_matrix *b, int k0, int kc, int j0, int nc, int nr, float *dst) {
  if (b->column_stride == 1 && nr == NR) {
    // Row-major: two masked loads and stores per sliver row (as the AVX-512 packer).
    for (int t = 0; t < nc; t += NR) {
      float *sliver = dst + (ptrdiff_t)t * kc;
      const int columns = nc - t < NR ? nc - t : NR;
      int32_t m[NR];
      for (int j = 0; j < NR; j++) m[j] = j < columns ? -1 : 0;
      const __m256i low = _mm256_loadu_si256((const __m256i *)m), high = _mm256_loadu_si256((const __m256i *)(m + 8));
      const float *origin = b->data + (ptrdiff_t)k0 * b->row_stride + (j0 + t);
      for (int p = 0; p < kc; p++) {
        const float *row = origin + (ptrdiff_t)p * b->row_stride;
        _mm256_storeu_ps(sliver + p * NR, _mm256_maskload_ps(row, low));
        _mm256_storeu_ps(sliver + p * NR + 8, _mm256_maskload_ps(row + 8, high));
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
    for (int half = 0; half < NR; half += 8) {
      const int rows = nc - t - half < 0 ? 0 : nc - t - half < 8 ? nc - t - half : 8;
      const float *origin = b->data + (j0 + t + half) * b->column_stride + k0;
      for (int p = 0; p < kc; p += 8) {
        const int count = kc - p < 8 ? kc - p : 8;
        __m256 r[8];
        load_transposed(r, origin + p, b->column_stride, rows, count);
        for (int q = 0; q < count; q++) _mm256_storeu_ps(sliver + (p + q) * NR + half, r[q]);
      }
    }
  }
}

// 8 lanes of an im2col sliver: per lane the input offset it reads at tap (or window) offset 0,
// with its row and column (for the padding test), which lanes are real, and their runs.
typedef struct {
  __m256i offset, row, column, lanes;
  gemm_runs runs;
} lanes8;

// Lanes for the windows at positions first … first + 7 (the forward packer).
TARGET static lanes8 windows8(const gemm_convolution *s, int first, int count) {
  int offset[8], row[8], column[8];
  const int plane = s->output_height * s->output_width;
  int n = first / plane, oy = first % plane / s->output_width, ox = first % s->output_width;
  for (int lane = 0; lane < 8; lane++) {
    row[lane] = oy * s->stride - s->padding;
    column[lane] = ox * s->stride - s->padding;
    offset[lane] = (n * s->channels * s->height + row[lane]) * s->width + column[lane];
    if (++ox == s->output_width) {
      ox = 0;
      if (++oy == s->output_height) { oy = 0; n++; }
    }
  }
  const unsigned bits = count >= 8 ? 0xFFu : count <= 0 ? 0 : (1u << count) - 1;
  lanes8 l = {_mm256_loadu_si256((const __m256i *)offset), _mm256_loadu_si256((const __m256i *)row),
              _mm256_loadu_si256((const __m256i *)column), lane_mask(bits), {0}};
  if (s->padding == 0) l.runs = gemm_find_runs(offset, bits, 8);
  return l;
}

// Lanes for the taps first … first + 7 (the weight-gradient packer).
TARGET static lanes8 taps8(const gemm_convolution *s, int first, int count) {
  int offset[8], row[8], column[8];
  const int taps = s->kernel_height * s->kernel_width;
  int c = first / taps, ky = first % taps / s->kernel_width, kx = first % s->kernel_width;
  for (int lane = 0; lane < 8; lane++) {
    offset[lane] = (c * s->height + ky) * s->width + kx;
    row[lane] = ky;
    column[lane] = kx;
    if (++kx == s->kernel_width) {
      kx = 0;
      if (++ky == s->kernel_height) { ky = 0; c++; }
    }
  }
  const unsigned bits = count >= 8 ? 0xFFu : count <= 0 ? 0 : (1u << count) - 1;
  lanes8 l = {_mm256_loadu_si256((const __m256i *)offset), _mm256_loadu_si256((const __m256i *)row),
              _mm256_loadu_si256((const __m256i *)column), lane_mask(bits), {0}};
  if (s->padding == 0) l.runs = gemm_find_runs(offset, bits, 8);
  return l;
}

// The 8 values at `shift` past the lanes' offsets, moved by (dy, dx) for the padding test: by
// masked loads of runs, or a masked gather.
TARGET static inline __m256 load_lanes(const gemm_convolution *s, const lanes8 *l, int shift, int dy, int dx) {
  if (l->runs.count > 0) {
    __m256 v = _mm256_setzero_ps();
    for (int r = 0; r < l->runs.count; r++) {
      const float *origin = (const float *)((uintptr_t)s->input + (uintptr_t)((l->runs.origin[r] + shift) * (ptrdiff_t)sizeof(float)));
      v = _mm256_or_ps(v, _mm256_maskload_ps(origin, lane_mask(l->runs.mask[r])));
    }
    return v;
  }
  __m256i inside = l->lanes;
  if (s->padding > 0) {
    // 0 ≤ y < H and 0 ≤ x < W.
    const __m256i y = _mm256_add_epi32(l->row, _mm256_set1_epi32(dy));
    const __m256i x = _mm256_add_epi32(l->column, _mm256_set1_epi32(dx));
    const __m256i minus_one = _mm256_set1_epi32(-1);
    inside = _mm256_and_si256(inside, _mm256_cmpgt_epi32(y, minus_one));
    inside = _mm256_and_si256(inside, _mm256_cmpgt_epi32(_mm256_set1_epi32(s->height), y));
    inside = _mm256_and_si256(inside, _mm256_cmpgt_epi32(x, minus_one));
    inside = _mm256_and_si256(inside, _mm256_cmpgt_epi32(_mm256_set1_epi32(s->width), x));
  }
  const __m256i index = _mm256_add_epi32(l->offset, _mm256_set1_epi32(shift));
  return _mm256_mask_i32gather_ps(_mm256_setzero_ps(), s->input, index, _mm256_castsi256_ps(inside), 4);
}

TARGET static void pack_convolution_avx2(const gemm_convolution *source, int k0, int kc, int j0, int nc, int nr,
                                         float *dst) {
  // Windows and taps as the view has them (a space-to-depth copy, when there is one).
  const gemm_convolution view = gemm_window_view(source);
  const gemm_convolution *s = &view;
  int tap_offsets[GEMM_MAX_KC];
  gemm_tap_offsets(source, k0, kc, tap_offsets);
  const int taps = s->kernel_height * s->kernel_width;
  for (int t = 0; t < nc; t += nr) {
    float *sliver = dst + (ptrdiff_t)t * kc;
    for (int half = 0; half < nr; half += 8) {
      const lanes8 l = windows8(s, j0 + t + half, nc - t - half);
      int ky = (k0 % taps) / s->kernel_width, kx = k0 % s->kernel_width;
      for (int p = 0; p < kc; p++) {
        _mm256_storeu_ps(sliver + (ptrdiff_t)p * nr + half, load_lanes(s, &l, tap_offsets[p], ky, kx));
        if (++kx == s->kernel_width) {
          kx = 0;
          if (++ky == s->kernel_height) ky = 0;
        }
      }
    }
  }
}

TARGET static void pack_convolution_transposed_avx2(const gemm_convolution *s, int k0, int kc, int j0, int nc,
                                                    int nr, float *dst) {
  const int plane = s->output_height * s->output_width;
  for (int t = 0; t < nc; t += nr) {
    float *sliver = dst + (ptrdiff_t)t * kc;
    for (int half = 0; half < nr; half += 8) {
      // A sliver of at most 8 taps: the microkernel reads only its first half.
      if (half > 0 && nc - t <= half) break;
      const lanes8 l = taps8(s, j0 + t + half, nc - t - half);
      int n = k0 / plane, oy = k0 % plane / s->output_width, ox = k0 % s->output_width;
      for (int p = 0; p < kc; p++) {
        const int y0 = oy * s->stride - s->padding, x0 = ox * s->stride - s->padding;
        const int corner = (n * s->channels * s->height + y0) * s->width + x0;
        _mm256_storeu_ps(sliver + (ptrdiff_t)p * nr + half, load_lanes(s, &l, corner, y0, x0));
        if (++ox == s->output_width) {
          ox = 0;
          if (++oy == s->output_height) { oy = 0; n++; }
        }
      }
    }
  }
}

// A row of the space-to-depth copy for strides 2 and 4 (the Nature network's), 16 floats at a
// time: stride 4 as a 4×4 transpose of four 128-bit loads (row r then holds column class r),
// stride 2 as even and odd lanes of two 256-bit loads; the row's tail, and other strides, as in
// plain C.
TARGET static void space_to_depth_row_avx2(const float *row, int width, int q, float *first, ptrdiff_t depth_plane) {
  int x = 0;
  if (q == 4) {
    for (; x + 16 <= width; x += 16) {
      __m128 r0 = _mm_loadu_ps(row + x), r1 = _mm_loadu_ps(row + x + 4);
      __m128 r2 = _mm_loadu_ps(row + x + 8), r3 = _mm_loadu_ps(row + x + 12);
      _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
      _mm_storeu_ps(first + x / 4, r0);
      _mm_storeu_ps(first + depth_plane + x / 4, r1);
      _mm_storeu_ps(first + 2 * depth_plane + x / 4, r2);
      _mm_storeu_ps(first + 3 * depth_plane + x / 4, r3);
    }
  } else if (q == 2) {
    for (; x + 16 <= width; x += 16) {
      const __m256 a = _mm256_loadu_ps(row + x), b = _mm256_loadu_ps(row + x + 8);
      // Within each 128-bit half: a's two evens (odds), then b's; then the halves' middle quarters
      // swapped.
      const __m256 even = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
      const __m256 odd = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
      _mm256_storeu_ps(first + x / 2, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(even), 0xD8)));
      _mm256_storeu_ps(first + depth_plane + x / 2, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(odd), 0xD8)));
    }
  }
  for (; x < width; x++) first[(x % q) * depth_plane + x / q] = row[x];
}

// ---- A direct convolution (GemmKernels.h) ---------------------------------------------------------

// Wide tiles only (AVX-512's narrow tiles keep 16 positions' sums in 16 registers; with 16 ymm
// registers such a tile would spill): `positions` (T ≤ 6) consecutive positions of one row × 16
// filters (a pair of registers), 2·T sums in registers, T and the stride S constants once inlined.
// The same sums as GemmAVX512.c's wide tiles at this level's tile: each block of taps summed from
// zero, position by position fma(value, weight, sum) in the taps' order (the packed forward's
// fma(weight, value, sum): the same exact products), added to the blocks' before it (total + sum,
// as C + sum there); then the positions transposed into rows of one filter each, the bias and
// ReLU added as ckernels_add_bias_by_sample does (0 ≥ v ? 0 : v). A row's last tile is shifted
// back to end at the row's end and stores only the positions it adds.
TARGET __attribute__((always_inline)) static inline void direct_wide_tiles_avx2(const gemm_direct_convolution *d,
                                                                                int first, int count, const int S,
                                                                                const int T) {
  enum { V = 2 };
  const int ow = d->output_width, plane = d->output_height * ow;
  const ptrdiff_t sample = (ptrdiff_t)d->channels * d->height * d->width;
  const int tiles_per_pair = d->output_height * d->tiles_per_row;
  const __m256 zero = _mm256_setzero_ps();
  for (int t = first; t < first + count; t++) {
    const int n = t / d->tiles_per_sample, within = t % d->tiles_per_sample;
    const int pair = within / tiles_per_pair, place = within % tiles_per_pair;
    const int oy = place / d->tiles_per_row;
    int ox = place % d->tiles_per_row * T, from = 0;  // from: the first position not stored already
    if (ox > ow - T) {
      from = ox - (ow - T);
      ox = ow - T;
    }
    const float *corner = d->input + n * sample + (ptrdiff_t)oy * S * d->width + (ptrdiff_t)ox * S;
    const float *pair_weights = d->packed_weights + (ptrdiff_t)pair * d->taps * V * 8;
    __m256 total[2 * 6];  // the blocks' sums before this one, [position][vector]
    for (int k0 = 0; k0 < d->taps; k0 += d->block) {
      const int k1 = d->taps - k0 < d->block ? d->taps : k0 + d->block;
      __m256 sum[2 * 6];
#pragma clang loop unroll(full)
      for (int i = 0; i < T * V; i++) sum[i] = zero;
      const float *weights = pair_weights + (ptrdiff_t)k0 * V * 8;
      for (int p = k0; p < k1; p++, weights += V * 8) {
        const __m256 w0 = _mm256_loadu_ps(weights), w1 = _mm256_loadu_ps(weights + 8);
        const float *at = corner + d->tap_offset[p];
#pragma clang loop unroll(full)
        for (int i = 0; i < T; i++) {
          const __m256 x = _mm256_broadcast_ss(at + i * S);
          sum[i * V] = _mm256_fmadd_ps(x, w0, sum[i * V]);
          sum[i * V + 1] = _mm256_fmadd_ps(x, w1, sum[i * V + 1]);
        }
      }
      if (k0 > 0) {
#pragma clang loop unroll(full)
        for (int i = 0; i < T * V; i++) sum[i] = _mm256_add_ps(total[i], sum[i]);
      }
      if (k1 < d->taps) {
#pragma clang loop unroll(full)
        for (int i = 0; i < T * V; i++) total[i] = sum[i];
        continue;
      }
      float *out = d->output + ((ptrdiff_t)n * d->filters + pair * 16) * plane + oy * ow + ox;
#pragma clang loop unroll(full)
      for (int v = 0; v < V; v++) {
        __m256 r[8];
#pragma clang loop unroll(full)
        for (int i = 0; i < 8; i++) r[i] = i < T ? sum[i * V + v] : zero;
        transpose8(r);
        const int filter = pair * 16 + v * 8;
        for (int f = 0; f < 8 && filter + f < d->filters; f++) {
          __m256 value = _mm256_add_ps(r[f], _mm256_set1_ps(d->bias[filter + f]));
          if (d->relu) value = _mm256_and_ps(_mm256_cmp_ps(zero, value, _CMP_NGE_UQ), value);
          float *to = out + (ptrdiff_t)(v * 8 + f) * plane;
          if (from == 0) {
            // T positions (4 to 6): four, then the rest one or two at a time (AVX2's masked stores
            // are slow on AMD processors).
            const __m128 low = _mm256_castps256_ps128(value), high = _mm256_extractf128_ps(value, 1);
            _mm_storeu_ps(to, low);
            if (T == 5) _mm_store_ss(to + 4, high);
            if (T == 6) _mm_storel_pi((__m64 *)(to + 4), high);
          } else {
            float lanes[8];
            _mm256_storeu_ps(lanes, value);
            for (int i = from; i < T; i++) to[i] = lanes[i];
          }
        }
      }
    }
  }
}

#define DIRECT_WIDE_TILES_AVX2(S, T)                                                                      \
  TARGET static void direct_wide_avx2_##S##_##T(const gemm_direct_convolution *d, int first, int count) { \
    direct_wide_tiles_avx2(d, first, count, S, T);                                                        \
  }
#define DIRECT_WIDE_STRIDE_AVX2(S) \
  DIRECT_WIDE_TILES_AVX2(S, 4) DIRECT_WIDE_TILES_AVX2(S, 5) DIRECT_WIDE_TILES_AVX2(S, 6)
DIRECT_WIDE_STRIDE_AVX2(1)
DIRECT_WIDE_STRIDE_AVX2(2)
DIRECT_WIDE_STRIDE_AVX2(4)
#define DIRECT_WIDE_ROW_AVX2(S) {direct_wide_avx2_##S##_4, direct_wide_avx2_##S##_5, direct_wide_avx2_##S##_6}

// The direct convolution's weights, 8 filters × 8 taps at a time through register transposes:
// [⌈F / lanes⌉][taps, lanes], zeros past F.
TARGET static void pack_direct_weights_avx2(const float *weights, int filters, int taps, int lanes, float *packed) {
  const int groups = (filters + lanes - 1) / lanes;
  for (int g = 0; g < groups; g++)
    for (int part = 0; part < lanes; part += 8) {
      const int first = g * lanes + part;
      const int rows = filters - first >= 8 ? 8 : filters - first > 0 ? filters - first : 0;
      float *to = packed + (ptrdiff_t)g * taps * lanes + part;
      for (int p0 = 0; p0 < taps; p0 += 8) {
        const int count = taps - p0 < 8 ? taps - p0 : 8;
        __m256 r[8];
        load_transposed(r, weights + (ptrdiff_t)first * taps + p0, taps, rows, count);
        for (int p = 0; p < count; p++) _mm256_storeu_ps(to + (ptrdiff_t)(p0 + p) * lanes, r[p]);
      }
    }
}

// Wide tiles by stride and positions; the driver asks only for what is here (rows of 6 positions
// or more, cut into tiles of 4 to 6).
TARGET static void direct_convolution_avx2(const gemm_direct_convolution *d, int first, int count) {
  static const gemm_direct_tiles wide[3][3] = {DIRECT_WIDE_ROW_AVX2(1), DIRECT_WIDE_ROW_AVX2(2), DIRECT_WIDE_ROW_AVX2(4)};
  wide[d->stride == 4 ? 2 : d->stride - 1][d->positions - 4](d, first, count);
}

const gemm_level gemm_level_avx2 = {
    .mr = MR, .nr = NR, .mc = 120, .kc = 256, .nc = 1024,
    .in_place_a_columns = 2048,
    .kernel = kernel_avx2, .kernel_in_place_a = kernel_in_place_a_avx2, .kernel_b_rows = kernel_b_rows_avx2,
    // Zen 4 capped at AVX2 (`scripts/microbench/run dense_input_gradient`, a quarter / half of the
    // units off): MinAtar's dx (W 128×1024) 113 / 90 µs reading W's rows in place, 86 / 73 packed
    // first as the product packs it, 100 for the product; but the Nature network's (W 512×3136,
    // KC blocks of 256 × 3136 floats, past L2) 862 / 625 in place, 980 / 765 packed: packing reads
    // and writes all of W, where reading in place reads only the rows kept.
    .skipping_packs_b = 1 << 18,
    .all_finite = all_finite_avx2,
    .kernel_segments = kernel_segments_avx2, .pack_a = pack_a_avx2, .pack_b = pack_b_avx2,
    .pack_convolution = pack_convolution_avx2,
    .pack_convolution_transposed = pack_convolution_transposed_avx2,
    .space_to_depth_row = space_to_depth_row_avx2,
    .direct_convolution = direct_convolution_avx2, .pack_direct_weights = pack_direct_weights_avx2,
    .direct_lanes = 16, .direct_positions = 6,
    .col2im_rows = gemm_col2im_rows_avx2,
};
#endif
