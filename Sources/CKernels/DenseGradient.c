// A dense layer's weight gradient dW[outputs, inputs] (+)= dyᵀ · x at the batch sizes of DQN
// updates, skipping the products of dy's zeros.
//
// Behind a ReLU, about half of dy is zero (the units that were off for that sample), and each of
// its zeros stands for a whole row of products, dy[i, o] · x[i, 0 … inputs). This kernel reads
// dy's zeros first (a bit mask per output: which samples are not zero) and, for each output o and
// block of up to 256 inputs (16 registers, 12 with AVX2), sums only the samples its mask names:
//
//   sum = fma(dy[i, o], x[i, block], sum) over those i in increasing order, from +0;
//   dW[o, block] = sum, dW[o, block] + sum, or 0 + sum (ckernels_sgemm's `accumulate` 0, 1, 2).
//
// That is ckernels_sgemm's order for the same product (Gemm.c: one multiply-add per sample in
// order onto a sum from +0, then C; its shared dimension, the batch, is one block), with the
// skipped steps' products left out. A skipped step would have added dy · x = ±0 to the sum, which
// leaves it as it was unless the sum is -0 and the product +0 (-0 + +0 is +0). A sum from +0
// becomes -0 only where a product too small for a float underflows to -0 (|dy · x| below 1e-45),
// which the gradients of a network do not hold; infinite or NaN x would change more (0 · ∞ is
// NaN): a block of inputs holding one is summed over every sample. So the bits are
// ckernels_sgemm's at the same level, short of the sign of such a zero; only the time changes
// (about half at half zeros).
//
// dW's rows are written in place, whole blocks of contiguous floats (the product's natural layout:
// no packing, no transposing); x's block (32 KB at batch 32) stays in L1 while the outputs pass.
#include "CKernels.h"
#include <stdint.h>
#include <string.h>

#define MAX_BATCH 64

#define MAX_OUTPUTS 4096

// Products below this many multiply-adds stay on one thread (Gemm.c's threshold).
#define PARALLEL_MULTIPLY_ADDS (1 << 23)
#define PARTS_PER_THREAD 4

typedef struct {
  int level, outputs, inputs, batch, accumulate, rows_per_part;
  const float *dy, *x;
  float *dw;
  const uint64_t *masks;
} gradient_job;

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma")))
#define AVX2 __attribute__((target("avx2,fma")))

// ---- AVX-512 ------------------------------------------------------------------------------------

// masks[o] bit i: dy[i, o] is not zero (NaN counts as not zero; -0 as zero).
AVX512 static void masks_avx512(const float *dy, int outputs, int batch, uint64_t *masks) {
  for (int o = 0; o < outputs; o += 8) {
    const __mmask8 live = outputs - o >= 8 ? 0xFF : (__mmask8)((1u << (outputs - o)) - 1);
    __m512i m = _mm512_setzero_si512();
    for (int i = 0; i < batch; i++) {
      const __m256 v = _mm256_maskz_loadu_ps(live, dy + (size_t)i * outputs + o);
      const __mmask8 nonzero = _mm256_cmp_ps_mask(v, _mm256_setzero_ps(), _CMP_NEQ_UQ);
      m = _mm512_mask_or_epi64(m, nonzero, m, _mm512_set1_epi64((long long)(1ull << i)));
    }
    _mm512_mask_storeu_epi64(masks + o, live, m);
  }
}

// Copies x[0 … batch, k0 … k0 + width) into `block` (rows of `stride` floats) and returns whether
// it is all finite. x's rows lie a multiple of 4 KB apart in the layers that matter (1024 or more
// inputs): read in place, a block's rows would share a few L1 sets and evict one another.
AVX512 static int pack_block_avx512(const float *x, int inputs, int batch, int k0, int width, float *block,
                                    int stride) {
  __mmask16 bad = 0;
  for (int i = 0; i < batch; i++) {
    const float *row = x + (size_t)i * inputs + k0;
    for (int j = 0; j < width; j += 16) {
      const __mmask16 lanes = width - j >= 16 ? 0xFFFF : (__mmask16)((1u << (width - j)) - 1);
      const __m512 v = _mm512_maskz_loadu_ps(lanes, row + j);
      // QNaN 0x01, +∞ 0x08, -∞ 0x10, SNaN 0x80.
      bad |= _mm512_fpclass_ps_mask(v, 0x99);
      _mm512_storeu_ps(block + (size_t)i * stride + j, v);
    }
  }
  return bad == 0;
}

// One output's row over a block of NV vectors (the last with `last` lanes).
AVX512 __attribute__((always_inline)) static inline void row_avx512(
    const float *restrict dy, int outputs, const float *restrict block, int stride, float *restrict dw,
    int inputs, int o, int k0, uint64_t mask, __mmask16 last, int accumulate, const int NV) {
  __m512 sum[16];
  for (int v = 0; v < NV; v++) sum[v] = _mm512_setzero_ps();
  const float *column = dy + o;
  while (mask != 0) {
    const int i = __builtin_ctzll(mask);
    mask &= mask - 1;
    const __m512 a = _mm512_set1_ps(column[(size_t)i * outputs]);
    const float *row = block + (size_t)i * stride;
    for (int v = 0; v < NV; v++) sum[v] = _mm512_fmadd_ps(a, _mm512_load_ps(row + 16 * v), sum[v]);
  }
  float *out = dw + (size_t)o * inputs + k0;
  for (int v = 0; v < NV; v++) {
    const __mmask16 lanes = v == NV - 1 ? last : 0xFFFF;
    __m512 value = sum[v];
    if (accumulate == 1)
      value = _mm512_add_ps(_mm512_maskz_loadu_ps(lanes, out + 16 * v), value);
    else if (accumulate == 2)
      value = _mm512_add_ps(_mm512_setzero_ps(), value);
    _mm512_mask_storeu_ps(out + 16 * v, lanes, value);
  }
}

#define ROWS_AVX512(NV)                                                                                   \
  AVX512 static void rows_avx512_##NV(const float *dy, int outputs, const float *block, int stride, float *dw, \
                                      int inputs, int o0, int o1, int k0, const uint64_t *masks, uint64_t all, \
                                      __mmask16 last, int accumulate) {                                     \
    for (int o = o0; o < o1; o++)                                                                           \
      row_avx512(dy, outputs, block, stride, dw, inputs, o, k0, masks ? masks[o] : all, last, accumulate, NV); \
  }
ROWS_AVX512(1)
ROWS_AVX512(2)
ROWS_AVX512(3)
ROWS_AVX512(4)
ROWS_AVX512(5)
ROWS_AVX512(6)
ROWS_AVX512(7)
ROWS_AVX512(8)
ROWS_AVX512(9)
ROWS_AVX512(10)
ROWS_AVX512(11)
ROWS_AVX512(12)
ROWS_AVX512(13)
ROWS_AVX512(14)
ROWS_AVX512(15)
ROWS_AVX512(16)

typedef void (*rows_avx512_fn)(const float *, int, const float *, int, float *, int, int, int, int,
                               const uint64_t *, uint64_t, __mmask16, int);
static const rows_avx512_fn rows_avx512_by_vectors[16] = {
    rows_avx512_1,  rows_avx512_2,  rows_avx512_3,  rows_avx512_4,  rows_avx512_5,  rows_avx512_6,
    rows_avx512_7,  rows_avx512_8,  rows_avx512_9,  rows_avx512_10, rows_avx512_11, rows_avx512_12,
    rows_avx512_13, rows_avx512_14, rows_avx512_15, rows_avx512_16};

AVX512 static void part_avx512(const gradient_job *job, int o0, int o1) {
  _Alignas(64) float block[MAX_BATCH * 256];
  const uint64_t all = job->batch == 64 ? ~0ull : (1ull << job->batch) - 1;
  for (int k0 = 0; k0 < job->inputs; k0 += 256) {
    const int width = job->inputs - k0 < 256 ? job->inputs - k0 : 256;
    const int vectors = (width + 15) / 16;
    const int tail = width - 16 * (vectors - 1);
    const __mmask16 last = tail == 16 ? 0xFFFF : (__mmask16)((1u << tail) - 1);
    const int finite = pack_block_avx512(job->x, job->inputs, job->batch, k0, width, block, 16 * vectors);
    rows_avx512_by_vectors[vectors - 1](job->dy, job->outputs, block, 16 * vectors, job->dw, job->inputs, o0, o1,
                                        k0, finite ? job->masks : NULL, all, last, job->accumulate);
  }
}

// ---- AVX2 ---------------------------------------------------------------------------------------

AVX2 static void masks_avx2(const float *dy, int outputs, int batch, uint64_t *masks) {
  int o = 0;
  for (; o + 4 <= outputs; o += 4) {
    __m256i m = _mm256_setzero_si256();
    for (int i = 0; i < batch; i++) {
      const __m128 v = _mm_loadu_ps(dy + (size_t)i * outputs + o);
      const __m128i nonzero = _mm_castps_si128(_mm_cmp_ps(v, _mm_setzero_ps(), _CMP_NEQ_UQ));
      const __m256i wide = _mm256_cvtepi32_epi64(nonzero);
      m = _mm256_or_si256(m, _mm256_and_si256(wide, _mm256_set1_epi64x((long long)(1ull << i))));
    }
    _mm256_storeu_si256((__m256i *)(masks + o), m);
  }
  for (; o < outputs; o++) {
    uint64_t m = 0;
    for (int i = 0; i < batch; i++)
      if (dy[(size_t)i * outputs + o] != 0 || dy[(size_t)i * outputs + o] != dy[(size_t)i * outputs + o]) m |= 1ull << i;
    masks[o] = m;
  }
}

// Lanes [0, count) of 8 as a mask for maskload/maskstore.
AVX2 static inline __m256i lanes_avx2(int count) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// pack_block_avx512's copy and check with 8-lane vectors.
AVX2 static int pack_block_avx2(const float *x, int inputs, int batch, int k0, int width, float *block, int stride) {
  __m256 bad = _mm256_setzero_ps();
  for (int i = 0; i < batch; i++) {
    const float *row = x + (size_t)i * inputs + k0;
    for (int j = 0; j < width; j += 8) {
      const __m256 v = width - j >= 8 ? _mm256_loadu_ps(row + j) : _mm256_maskload_ps(row + j, lanes_avx2(width - j));
      // v - v is NaN exactly where v is infinite or NaN.
      bad = _mm256_or_ps(bad, _mm256_cmp_ps(_mm256_sub_ps(v, v), _mm256_setzero_ps(), _CMP_NEQ_UQ));
      _mm256_storeu_ps(block + (size_t)i * stride + j, v);
    }
  }
  return _mm256_movemask_ps(bad) == 0;
}

AVX2 __attribute__((always_inline)) static inline void row_avx2(
    const float *restrict dy, int outputs, const float *restrict block, int stride, float *restrict dw,
    int inputs, int o, int k0, uint64_t mask, __m256i last, int accumulate, const int NV) {
  __m256 sum[12];
  for (int v = 0; v < NV; v++) sum[v] = _mm256_setzero_ps();
  const float *column = dy + o;
  while (mask != 0) {
    const int i = __builtin_ctzll(mask);
    mask &= mask - 1;
    const __m256 a = _mm256_broadcast_ss(column + (size_t)i * outputs);
    const float *row = block + (size_t)i * stride;
    for (int v = 0; v < NV; v++) sum[v] = _mm256_fmadd_ps(a, _mm256_load_ps(row + 8 * v), sum[v]);
  }
  float *out = dw + (size_t)o * inputs + k0;
  for (int v = 0; v < NV - 1; v++) {
    __m256 value = sum[v];
    if (accumulate == 1)
      value = _mm256_add_ps(_mm256_loadu_ps(out + 8 * v), value);
    else if (accumulate == 2)
      value = _mm256_add_ps(_mm256_setzero_ps(), value);
    _mm256_storeu_ps(out + 8 * v, value);
  }
  __m256 value = sum[NV - 1];
  if (accumulate == 1)
    value = _mm256_add_ps(_mm256_maskload_ps(out + 8 * (NV - 1), last), value);
  else if (accumulate == 2)
    value = _mm256_add_ps(_mm256_setzero_ps(), value);
  _mm256_maskstore_ps(out + 8 * (NV - 1), last, value);
}

#define ROWS_AVX2(NV)                                                                                     \
  AVX2 static void rows_avx2_##NV(const float *dy, int outputs, const float *block, int stride, float *dw,   \
                                  int inputs, int o0, int o1, int k0, const uint64_t *masks, uint64_t all,    \
                                  __m256i last, int accumulate) {                                            \
    for (int o = o0; o < o1; o++)                                                                           \
      row_avx2(dy, outputs, block, stride, dw, inputs, o, k0, masks ? masks[o] : all, last, accumulate, NV); \
  }
ROWS_AVX2(1)
ROWS_AVX2(2)
ROWS_AVX2(3)
ROWS_AVX2(4)
ROWS_AVX2(5)
ROWS_AVX2(6)
ROWS_AVX2(7)
ROWS_AVX2(8)
ROWS_AVX2(9)
ROWS_AVX2(10)
ROWS_AVX2(11)
ROWS_AVX2(12)

typedef void (*rows_avx2_fn)(const float *, int, const float *, int, float *, int, int, int, int,
                             const uint64_t *, uint64_t, __m256i, int);
static const rows_avx2_fn rows_avx2_by_vectors[12] = {rows_avx2_1, rows_avx2_2, rows_avx2_3,  rows_avx2_4,
                                                     rows_avx2_5, rows_avx2_6, rows_avx2_7,  rows_avx2_8,
                                                     rows_avx2_9, rows_avx2_10, rows_avx2_11, rows_avx2_12};

AVX2 static void part_avx2(const gradient_job *job, int o0, int o1) {
  _Alignas(32) float block[MAX_BATCH * 96];
  const uint64_t all = job->batch == 64 ? ~0ull : (1ull << job->batch) - 1;
  for (int k0 = 0; k0 < job->inputs; k0 += 96) {
    const int width = job->inputs - k0 < 96 ? job->inputs - k0 : 96;
    const int vectors = (width + 7) / 8;
    const __m256i last = lanes_avx2(width - 8 * (vectors - 1));
    const int finite = pack_block_avx2(job->x, job->inputs, job->batch, k0, width, block, 8 * vectors);
    rows_avx2_by_vectors[vectors - 1](job->dy, job->outputs, block, 8 * vectors, job->dw, job->inputs, o0, o1, k0,
                                      finite ? job->masks : NULL, all, last, job->accumulate);
  }
}
#endif

static void gradient_part(void *context, int index) {
  const gradient_job *job = context;
  const int o0 = index * job->rows_per_part;
  const int o1 = o0 + job->rows_per_part < job->outputs ? o0 + job->rows_per_part : job->outputs;
#if defined(__x86_64__) && defined(__clang__)
  if (job->level >= CKERNELS_AVX512)
    part_avx512(job, o0, o1);
  else
    part_avx2(job, o0, o1);
#else
  (void)o0;
  (void)o1;
#endif
}

int ckernels_dense_weight_gradient(int level, int outputs, int inputs, int batch, const float *dy,
                                   const float *x, int accumulate, float *dw) {
#if defined(__x86_64__) && defined(__clang__)
  const int processor = ckernels_instruction_level();
  if (level > processor) level = processor;
  if (level < CKERNELS_AVX2 || batch < 1 || batch > MAX_BATCH || outputs < 1 || outputs > MAX_OUTPUTS || inputs < 1)
    return 0;
  uint64_t masks[MAX_OUTPUTS];
  if (level >= CKERNELS_AVX512)
    masks_avx512(dy, outputs, batch, masks);
  else
    masks_avx2(dy, outputs, batch, masks);
  // Fewer zeros than a quarter: the product's packed tiles are as fast or faster (with none, 1.1
  // times as fast on AVX-512, 1.2–1.4 on AVX2: scripts/microbench/run dense_weight_gradient).
  long nonzero = 0;
  for (int o = 0; o < outputs; o++) nonzero += __builtin_popcountll(masks[o]);
  if (4 * nonzero > 3 * (long)outputs * batch) return 0;
  gradient_job job = {level, outputs, inputs, batch, accumulate, outputs, dy, x, dw, masks};
  const int threads = ckernels_threads();
  if (threads > 1 && (double)outputs * inputs * batch >= PARALLEL_MULTIPLY_ADDS) {
    const int wanted = threads * PARTS_PER_THREAD;
    const int parts = outputs < wanted ? outputs : wanted;
    job.rows_per_part = (outputs + parts - 1) / parts;
    ckernels_parallel_for((outputs + job.rows_per_part - 1) / job.rows_per_part, gradient_part, &job);
  } else {
    gradient_part(&job, 0);
  }
  return 1;
#else
  (void)level, (void)outputs, (void)inputs, (void)batch, (void)dy, (void)x, (void)accumulate, (void)dw;
  return 0;
#endif
}
