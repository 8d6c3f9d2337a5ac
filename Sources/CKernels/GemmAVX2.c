// The AVX2 microkernel: a 6×16 tile in twelve 8-lane accumulators (Haswell and later, Zen).
#include "GemmKernels.h"

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>

#define MR 6
#define NR 16
#define TARGET __attribute__((target("avx2,fma")))

TARGET static void kernel_avx2(int kc, const float *restrict a, const float *restrict b,
                               float *restrict c, ptrdiff_t ldc, int accumulate, int rows,
                               int columns) {
  __m256 sum[MR][2];
  for (int i = 0; i < MR; i++) sum[i][0] = sum[i][1] = _mm256_setzero_ps();
  for (int p = 0; p < kc; p++) {
    const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
    for (int i = 0; i < MR; i++) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
      sum[i][0] = _mm256_fmadd_ps(ai, b0, sum[i][0]);
      sum[i][1] = _mm256_fmadd_ps(ai, b1, sum[i][1]);
    }
    a += MR;
    b += NR;
  }
  if (columns == NR) {
    for (int i = 0; i < rows; i++) {
      float *row = c + i * ldc;
      __m256 v0 = sum[i][0], v1 = sum[i][1];
      if (accumulate) {
        v0 = _mm256_add_ps(_mm256_loadu_ps(row), v0);
        v1 = _mm256_add_ps(_mm256_loadu_ps(row + 8), v1);
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
    for (int j = 0; j < columns; j++) row[j] = accumulate ? row[j] + lanes[j] : lanes[j];
  }
}

const gemm_level gemm_level_avx2 = {
    .mr = MR, .nr = NR, .mc = 120, .kc = 256, .nc = 1024,
    .kernel = kernel_avx2, .pack_a = gemm_pack_a_generic, .pack_b = gemm_pack_b_generic,
    .pack_convolution = gemm_pack_convolution_generic,
    .pack_convolution_transposed = gemm_pack_convolution_transposed_generic,
};
#endif
