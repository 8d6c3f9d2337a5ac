// Batch-1 dense products (a network choosing one action): y[j] += Σ_k W[j, k] · x[k], in one
// summation order that both ways of computing it share bit for bit.
//
// The order is a dot product's on 16-lane vectors: lane l of output j sums W[j, k] · x[k] over
// k = l, l + 16, l + 32, … in order, each step one fused multiply-add onto the lane's sum (from +0);
// then the 16 lane sums s_l are added as a tree, t8_l = s_l + s_{l+8}, t4_l = t8_l + t8_{l+4},
// t2_l = t4_l + t4_{l+2}, t = t2_0 + t2_1, and y[j] + t is stored.
//
// - ckernels_gemv reads W ([n, k], row-major: a dense layer's weights) where it is, 8 rows at a time
//   (4 with AVX2, each lane set in two 8-lane halves), streaming it at the cache's pace: about
//   1.5 times OpenBLAS's sgemv on MinAtar's 128×1024 from L2.
// - ckernels_gemv_packed reads Wᵀ packed by ckernels_pack_b (slivers of nr outputs), outputs as the
//   lanes: for each lane class l it runs over the k of that class whose x[k] is not zero, so rows of
//   Wᵀ that would only add zeros are never read (a ReLU's zeros: about half of MinAtar's and
//   the Nature network's first dense inputs, whose 3.2 of 6.4 MB then stay in L3).
//
// Products that are skipped add W · 0 = ±0 to a lane, which leaves it as it was, unless the lane
// holds -0 exactly (a sum of products that all underflowed) or W is infinite or NaN. The packed
// way is for finite weights only (the caller checks); the other skips all-zero runs of 16 inputs,
// so -0 aside, both give the same bits.
#include "CKernels.h"
#include "GemmKernels.h"
#include <stdint.h>

// The first row of each lane class (and the total, at [16]).
static void class_rows(int k, int first_row[17]) {
  first_row[0] = 0;
  for (int l = 0; l < 16; l++) first_row[l + 1] = first_row[l] + (l < k ? (k - l + 15) / 16 : 0);
}


// A packed layout's shape at a vector level: outputs per vector and per group, and each lane
// class's first row.
typedef struct {
  int lanes, width;
  int first_row[17];
} packed_layout;

static packed_layout layout_for(int level, int k) {
  packed_layout layout;
  layout.lanes = level >= CKERNELS_AVX512 ? 16 : 8;
  layout.width = 8 * layout.lanes;
  class_rows(k, layout.first_row);
  return layout;
}

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma")))
#define AVX2 __attribute__((target("avx2,fma")))

// t8 (lanes 0–7 as a 256-bit vector) → t = t2_0 + t2_1, as the order above says.
AVX2 static inline float tree_from_t8(__m256 t8) {
  const __m128 t4 = _mm_add_ps(_mm256_castps256_ps128(t8), _mm256_extractf128_ps(t8, 1));
  const __m128 t2 = _mm_add_ps(t4, _mm_movehl_ps(t4, t4));
  return _mm_cvtss_f32(_mm_add_ss(t2, _mm_shuffle_ps(t2, t2, 1)));
}

// ---- W read in place --------------------------------------------------------------------------------

// `rows` (1–8) rows from w, one 16-lane sum each. With `shift` q > 0 (rows that start q floats
// before a 64-byte boundary, all of them: k a multiple of 16), the loads start at the boundary,
// so none straddles two cache lines (a Swift array's floats start 48 bytes past one: every load
// would): lane i then sums class (q + i) mod 16, the first q inputs come in a masked load ending
// at the boundary, the last 16 − q in one after the last whole vector. Each class still sums its
// inputs in order.
AVX512 __attribute__((always_inline)) static inline void dot_rows_avx512(int rows, int k, int shift, const float *w,
                                                                        const float *x, float *y) {
  __m512 sum[8];
  for (int i = 0; i < 8; i++) sum[i] = _mm512_setzero_ps();
  int p = 0;
  if (shift > 0) {  // inputs 0 ..< q in lanes 16 − q ..< 16 of the vector at q − 16
    const __mmask16 lanes = (__mmask16)(0xFFFFu << (16 - shift));
    const __m512 xv = _mm512_maskz_loadu_ps(lanes, x + shift - 16);
#pragma clang loop unroll(full)
    for (int i = 0; i < 8; i++)
      if (i < rows)
        sum[i] = _mm512_mask3_fmadd_ps(_mm512_maskz_loadu_ps(lanes, w + (ptrdiff_t)i * k + shift - 16), xv, sum[i], lanes);
    p = shift;
  }
  for (; p + 16 <= k; p += 16) {
    const __m512 xv = _mm512_loadu_ps(x + p);
    if (_mm512_cmpneq_ps_mask(xv, _mm512_setzero_ps()) == 0) continue;
#pragma clang loop unroll(full)
    for (int i = 0; i < 8; i++)
      if (i < rows) {
        _mm_prefetch((const char *)(w + (ptrdiff_t)i * k + p + 128), _MM_HINT_T0);
        sum[i] = _mm512_fmadd_ps(_mm512_loadu_ps(w + (ptrdiff_t)i * k + p), xv, sum[i]);
      }
  }
  if (p < k) {
    const __mmask16 lanes = (__mmask16)((1u << (k - p)) - 1);
    const __m512 xv = _mm512_maskz_loadu_ps(lanes, x + p);
#pragma clang loop unroll(full)
    for (int i = 0; i < 8; i++)
      if (i < rows)
        sum[i] = _mm512_mask3_fmadd_ps(_mm512_maskz_loadu_ps(lanes, w + (ptrdiff_t)i * k + p), xv, sum[i], lanes);
  }
  // Class l sits in lane (l − q) mod 16: the tree's result is the same for any rotation of the
  // lanes (each level adds the same pairs, l and l + half mod 2·half, the other way round at worst),
  // so they need not be rotated back.
#pragma clang loop unroll(full)
  for (int i = 0; i < 8; i++)
    if (i < rows) {
      const __m512 s = sum[i];
      const __m256 t8 = _mm256_add_ps(_mm512_castps512_ps256(s), _mm512_extractf32x8_ps(s, 1));
      y[i] += tree_from_t8(t8);
    }
}

// Floats from w to the next 64-byte boundary when every row starts the same way (k % 16 == 0).
static int rows_shift(int k, const float *w) {
  if (k % 16 != 0 || (uintptr_t)w % sizeof(float) != 0) return 0;
  return (int)((64 - (uintptr_t)w % 64) % 64 / sizeof(float));
}

AVX512 static void gemv_avx512(int n, int k, const float *w, const float *x, float *y) {
  const int shift = rows_shift(k, w);
  int j = 0;
  for (; j + 8 <= n; j += 8) dot_rows_avx512(8, k, shift, w + (ptrdiff_t)j * k, x, y + j);
  for (; j < n; j++) dot_rows_avx512(1, k, shift, w + (ptrdiff_t)j * k, x, y + j);
}

// `rows` (1–4) rows, each lane set in two halves: lanes 0–7 and 8–15; aligned with `shift` as
// the AVX-512 rows are (rows_shift), the head and tail through masked loads.
AVX2 static inline void masks_avx2(int first, int end, __m256i *low, __m256i *high) {
  int32_t m[16];
  for (int l = 0; l < 16; l++) m[l] = l >= first && l < end ? -1 : 0;
  *low = _mm256_loadu_si256((const __m256i *)m);
  *high = _mm256_loadu_si256((const __m256i *)(m + 8));
}

// Lanes [first, end) of the 16 at x + p added to the sums of `rows` rows (the others left as they are).
#define PARTIAL_AVX2(first, end, p)                                                                        \
  do {                                                                                                     \
    __m256i m0, m1;                                                                                        \
    masks_avx2(first, end, &m0, &m1);                                                                      \
    const __m256 x0 = _mm256_maskload_ps(x + (p), m0), x1 = _mm256_maskload_ps(x + (p) + 8, m1);           \
    _Pragma("clang loop unroll(full)") for (int i = 0; i < 4; i++) if (i < rows) {                          \
      const float *row = w + (ptrdiff_t)i * k + (p);                                                       \
      low[i] = _mm256_blendv_ps(low[i], _mm256_fmadd_ps(_mm256_maskload_ps(row, m0), x0, low[i]),          \
                                _mm256_castsi256_ps(m0));                                                  \
      high[i] = _mm256_blendv_ps(high[i], _mm256_fmadd_ps(_mm256_maskload_ps(row + 8, m1), x1, high[i]),   \
                                 _mm256_castsi256_ps(m1));                                                 \
    }                                                                                                      \
  } while (0)

AVX2 __attribute__((always_inline)) static inline void dot_rows_avx2(int rows, int k, int shift, const float *w,
                                                                    const float *x, float *y) {
  __m256 low[4], high[4];
  for (int i = 0; i < 4; i++) low[i] = high[i] = _mm256_setzero_ps();
  int p = 0;
  if (shift > 0) {
    PARTIAL_AVX2(16 - shift, 16, shift - 16);
    p = shift;
  }
  for (; p + 16 <= k; p += 16) {
    const __m256 x0 = _mm256_loadu_ps(x + p), x1 = _mm256_loadu_ps(x + p + 8);
    const __m256 zero = _mm256_setzero_ps();
    if (_mm256_movemask_ps(_mm256_and_ps(_mm256_cmp_ps(x0, zero, _CMP_EQ_OQ), _mm256_cmp_ps(x1, zero, _CMP_EQ_OQ))) == 0xFF)
      continue;
#pragma clang loop unroll(full)
    for (int i = 0; i < 4; i++)
      if (i < rows) {
        const float *row = w + (ptrdiff_t)i * k + p;
        _mm_prefetch((const char *)(row + 128), _MM_HINT_T0);
        low[i] = _mm256_fmadd_ps(_mm256_loadu_ps(row), x0, low[i]);
        high[i] = _mm256_fmadd_ps(_mm256_loadu_ps(row + 8), x1, high[i]);
      }
  }
  if (p < k) PARTIAL_AVX2(0, k - p, p);
  // Rotated lanes (shift > 0) change nothing: see dot_rows_avx512.
#pragma clang loop unroll(full)
  for (int i = 0; i < 4; i++)
    if (i < rows) y[i] += tree_from_t8(_mm256_add_ps(low[i], high[i]));
}

AVX2 static void gemv_avx2(int n, int k, const float *w, const float *x, float *y) {
  const int shift = rows_shift(k, w);
  int j = 0;
  for (; j + 4 <= n; j += 4) dot_rows_avx2(4, k, shift, w + (ptrdiff_t)j * k, x, y + j);
  for (; j < n; j++) dot_rows_avx2(1, k, shift, w + (ptrdiff_t)j * k, x, y + j);
}

// ---- Wᵀ packed ----------------------------------------------------------------------------------------

// The packed layout (ckernels_pack_gemv): outputs in groups of 8 vectors (128 with AVX-512, 64 with
// AVX2), group after group; within a group, one row per input, each the group's outputs' weights
// for it (zeros past the last output; the last group only as wide as its vectors), the rows in
// lane-class order: p = 0, 16, 32, …, then 1, 17, 33, …, so that the kernel, which runs through
// one class after another, reads a group's rows in ascending address order, skipping rows of zeros.

// Which inputs are not zero, by lane class: bit c of class l's words (`words` each, from
// bits + l·words) says whether x[16c + l] ≠ 0. No branches: half a ReLU's outputs are zeros, in no
// order a branch predictor could follow.
static int nonzero_bits(int k, const float *x, uint64_t *bits) {
  const int chunks = (k + 15) / 16, words = (chunks + 63) / 64;
  for (int l = 0; l < 16; l++) {
    uint64_t *out = bits + (ptrdiff_t)l * words;
    for (int w = 0; w < words; w++) {
      uint64_t word = 0;
      const int first = w * 64, end = first + 64 < chunks ? first + 64 : chunks;
      for (int c = first; c < end; c++) {
        const int p = 16 * c + l;
        word |= (uint64_t)(p < k && x[p] != 0) << (c - first);
      }
      out[w] = word;
    }
  }
  return words;
}

#if defined(__x86_64__) && defined(__clang__)
// nonzero_bits with 16-lane compares: chunk c's compare gives a 16-bit mask whose bit l is class l's
// bit c; 64 chunks' masks, as 64 16-bit words in two registers, then give each class's word by
// testing bit l of every word (vptestmw). The same words (6% of MinAtar's action, 1024 inputs,
// where the scalar loop took 16 times as long).
AVX512 static int nonzero_bits_avx512(int k, const float *x, uint64_t *bits) {
  const int chunks = (k + 15) / 16, words = (chunks + 63) / 64;
  for (int w = 0; w < words; w++) {
    _Alignas(64) uint16_t masks[64];
    for (int i = 0; i < 64; i++) {
      const int c = w * 64 + i, left = k - 16 * c;
      const __mmask16 lanes = left >= 16 ? 0xFFFF : left <= 0 ? 0 : (__mmask16)((1u << left) - 1);
      masks[i] = _mm512_mask_cmp_ps_mask(lanes, _mm512_maskz_loadu_ps(lanes, x + 16 * (ptrdiff_t)c), _mm512_setzero_ps(),
                                         _CMP_NEQ_UQ);
    }
    const __m512i low = _mm512_load_si512(masks), high = _mm512_load_si512(masks + 32);
    for (int l = 0; l < 16; l++) {
      const __m512i bit = _mm512_set1_epi16((short)(1 << l));
      bits[l * words + w] =
          (uint64_t)_mm512_test_epi16_mask(low, bit) | (uint64_t)_mm512_test_epi16_mask(high, bit) << 32;
    }
  }
  return words;
}
#endif

// One group of G vectors (the last masked to `last` lanes): for each class, G sums over the class's
// k, then the tree across classes, added to y. Row p of the group is at group + row(p)·stride.
#define PACKED_GROUP(NAME, TARGET_ATTRIBUTE, VEC, LANES, SETZERO, SET1, LOADU, FMADD, ADD, STORE_LAST, G)      \
  TARGET_ATTRIBUTE static void NAME##_##G(const float *group, ptrdiff_t stride, const int first_row[17],       \
                                          const uint64_t *bits, int words, const float *x, float *y,          \
                                          int last) {                                                         \
    VEC part[16][G];                                                                                          \
    for (int l = 0; l < 16; l++) {                                                                            \
      VEC sum[G];                                                                                             \
      _Pragma("clang loop unroll(full)") for (int g = 0; g < G; g++) sum[g] = SETZERO();                      \
      const float *rows = group + (ptrdiff_t)first_row[l] * stride;                                           \
      for (int w = 0; w < words; w++)                                                                         \
        for (uint64_t left = bits[l * words + w]; left != 0; left &= left - 1) {                             \
          const int c = w * 64 + __builtin_ctzll(left);                                                       \
          const VEC xv = SET1(x[16 * c + l]);                                                                 \
          const float *row = rows + (ptrdiff_t)c * stride;                                                    \
          _Pragma("clang loop unroll(full)") for (int g = 0; g < G; g++)                                      \
            sum[g] = FMADD(xv, LOADU(row + g * LANES), sum[g]);                                               \
        }                                                                                                     \
      _Pragma("clang loop unroll(full)") for (int g = 0; g < G; g++) part[l][g] = sum[g];                     \
    }                                                                                                         \
    _Pragma("clang loop unroll(full)") for (int g = 0; g < G; g++) {                                          \
      VEC t8[8], t4[4], t2[2];                                                                                \
      for (int l = 0; l < 8; l++) t8[l] = ADD(part[l][g], part[l + 8][g]);                                    \
      for (int l = 0; l < 4; l++) t4[l] = ADD(t8[l], t8[l + 4]);                                              \
      for (int l = 0; l < 2; l++) t2[l] = ADD(t4[l], t4[l + 2]);                                              \
      STORE_LAST(y + g * LANES, ADD(t2[0], t2[1]), g < G - 1 ? LANES : last);                                 \
    }                                                                                                         \
  }

AVX512 static inline void add_to_avx512(float *out, __m512 t, int count) {
  const __mmask16 lanes = count >= 16 ? 0xFFFF : (__mmask16)((1u << count) - 1);
  _mm512_mask_storeu_ps(out, lanes, _mm512_add_ps(_mm512_maskz_loadu_ps(lanes, out), t));
}
AVX2 static inline void add_to_avx2(float *out, __m256 t, int count) {
  if (count >= 8) {
    _mm256_storeu_ps(out, _mm256_add_ps(_mm256_loadu_ps(out), t));
    return;
  }
  float lanes[8];
  _mm256_storeu_ps(lanes, t);
  for (int o = 0; o < count; o++) out[o] += lanes[o];
}

#define GROUP_AVX512(G)                                                                                     \
  PACKED_GROUP(group_avx512, AVX512, __m512, 16, _mm512_setzero_ps, _mm512_set1_ps, _mm512_loadu_ps,           \
               _mm512_fmadd_ps, _mm512_add_ps, add_to_avx512, G)
#define GROUP_AVX2(G)                                                                                       \
  PACKED_GROUP(group_avx2, AVX2, __m256, 8, _mm256_setzero_ps, _mm256_set1_ps, _mm256_loadu_ps,                \
               _mm256_fmadd_ps, _mm256_add_ps, add_to_avx2, G)
GROUP_AVX512(1) GROUP_AVX512(2) GROUP_AVX512(3) GROUP_AVX512(4)
GROUP_AVX512(5) GROUP_AVX512(6) GROUP_AVX512(7) GROUP_AVX512(8)
GROUP_AVX2(1) GROUP_AVX2(2) GROUP_AVX2(3) GROUP_AVX2(4)
GROUP_AVX2(5) GROUP_AVX2(6) GROUP_AVX2(7) GROUP_AVX2(8)

typedef void (*packed_group)(const float *group, ptrdiff_t stride, const int first_row[17], const uint64_t *bits,
                             int words, const float *x, float *y, int last);
static const packed_group groups_avx512[9] = {NULL, group_avx512_1, group_avx512_2, group_avx512_3, group_avx512_4,
                                              group_avx512_5, group_avx512_6, group_avx512_7, group_avx512_8};
static const packed_group groups_avx2[9] = {NULL, group_avx2_1, group_avx2_2, group_avx2_3, group_avx2_4,
                                            group_avx2_5, group_avx2_6, group_avx2_7, group_avx2_8};
#endif

// The level the kernels run at: AVX-512 or AVX2 as asked and supported, else 0 (generic).
static int vector_level(int level) {
#if defined(__x86_64__) && defined(__clang__)
  if (level >= CKERNELS_AVX512 && ckernels_instruction_level() >= CKERNELS_AVX512) return CKERNELS_AVX512;
  if (level >= CKERNELS_AVX2 && ckernels_instruction_level() >= CKERNELS_AVX2) return CKERNELS_AVX2;
#endif
  (void)level;
  return CKERNELS_GENERIC;
}

int ckernels_gemv(int level, int n, int k, const float *w, const float *x, float *y) {
  const int running = vector_level(level);
  if (running == CKERNELS_GENERIC) return 0;
  if (n <= 0 || k <= 0) return 1;
#if defined(__x86_64__) && defined(__clang__)
  if (running == CKERNELS_AVX512) gemv_avx512(n, k, w, x, y);
  else gemv_avx2(n, k, w, x, y);
#else
  (void)w, (void)x, (void)y;
#endif
  return 1;
}

size_t ckernels_gemv_packed_floats(int level, int n, int k) {
  const int running = vector_level(level);
  if (running == CKERNELS_GENERIC || n <= 0 || k <= 0) return 0;
  const int lanes = layout_for(running, k).lanes;
  return (size_t)((n + lanes - 1) / lanes) * (size_t)lanes * (size_t)k;
}

int ckernels_pack_gemv(int level, int n, int k, const float *w, float *packed) {
  const int running = vector_level(level);
  if (running == CKERNELS_GENERIC) return 0;
  if (n <= 0 || k <= 0) return 1;
  const packed_layout g = layout_for(running, k);
  for (int j0 = 0; j0 < n; j0 += g.width) {
    const int outputs = n - j0 < g.width ? n - j0 : g.width;
    const ptrdiff_t stride = (outputs + g.lanes - 1) / g.lanes * g.lanes;
    float *group = packed + (ptrdiff_t)j0 * k;
    for (int p = 0; p < k; p++) {
      float *row = group + (ptrdiff_t)(g.first_row[p & 15] + (p >> 4)) * stride;
      for (int o = 0; o < stride; o++) row[o] = o < outputs ? w[(ptrdiff_t)(j0 + o) * k + p] : 0;
    }
  }
  return 1;
}

size_t ckernels_gemv_scratch_words(int k) { return 16 * (size_t)(((k > 0 ? k : 0) + 1023) / 1024); }

int ckernels_gemv_packed(int level, int n, int k, const float *packed, const float *x, float *y, uint64_t *scratch) {
#if defined(__x86_64__) && defined(__clang__)
  const int running = vector_level(level);
  if (running == CKERNELS_GENERIC) return 0;
  if (n <= 0 || k <= 0) return 1;
  const packed_layout g = layout_for(running, k);
  const int words = running == CKERNELS_AVX512 ? nonzero_bits_avx512(k, x, scratch) : nonzero_bits(k, x, scratch);
  for (int j0 = 0; j0 < n; j0 += g.width) {
    const int outputs = n - j0 < g.width ? n - j0 : g.width;
    const int vectors = (outputs + g.lanes - 1) / g.lanes;
    const int last = outputs - (vectors - 1) * g.lanes;
    const packed_group run = (running == CKERNELS_AVX512 ? groups_avx512 : groups_avx2)[vectors];
    run(packed + (ptrdiff_t)j0 * k, (ptrdiff_t)vectors * g.lanes, g.first_row, scratch, words, x, y + j0, last);
  }
  return 1;
#else
  (void)level, (void)n, (void)k, (void)packed, (void)x, (void)y, (void)scratch;
  return 0;
#endif
}
