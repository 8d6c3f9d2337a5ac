// The core's multiply-add throughput: independent fused multiply-adds on the widest vectors the
// level allows, all in registers (no loads, no stores), the fastest any floating-point code can go.
// `dqn bench nn` divides its figures by it (PeakThroughput.swift).
#include "CKernels.h"

// Twelve chains: enough independent multiply-adds in flight for two pipes of four-cycle latency.
#define CHAINS 12

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>

__attribute__((target("avx512f"))) static float chains_avx512(long iterations) {
  __m512 acc[CHAINS];
  for (int j = 0; j < CHAINS; j++) acc[j] = _mm512_set1_ps((float)j);
  const __m512 scale = _mm512_set1_ps(0.999f), offset = _mm512_set1_ps(0.001f);
  for (long i = 0; i < iterations; i++)
    for (int j = 0; j < CHAINS; j++) acc[j] = _mm512_fmadd_ps(acc[j], scale, offset);
  __m512 total = acc[0];
  for (int j = 1; j < CHAINS; j++) total = _mm512_add_ps(total, acc[j]);
  return _mm512_reduce_add_ps(total);
}

__attribute__((target("avx2,fma"))) static float chains_avx2(long iterations) {
  __m256 acc[CHAINS];
  for (int j = 0; j < CHAINS; j++) acc[j] = _mm256_set1_ps((float)j);
  const __m256 scale = _mm256_set1_ps(0.999f), offset = _mm256_set1_ps(0.001f);
  for (long i = 0; i < iterations; i++)
    for (int j = 0; j < CHAINS; j++) acc[j] = _mm256_fmadd_ps(acc[j], scale, offset);
  float lanes[8];
  __m256 total = acc[0];
  for (int j = 1; j < CHAINS; j++) total = _mm256_add_ps(total, acc[j]);
  _mm256_storeu_ps(lanes, total);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3] + lanes[4] + lanes[5] + lanes[6] + lanes[7];
}
#endif

double ckernels_multiply_add_chains(int level, long iterations, float *result) {
#if defined(__x86_64__) && defined(__clang__)
  if (level >= CKERNELS_AVX512 && ckernels_instruction_level() >= CKERNELS_AVX512) {
    *result = chains_avx512(iterations);
    return 2.0 * 16 * CHAINS * (double)iterations;
  }
  if (level >= CKERNELS_AVX2 && ckernels_instruction_level() >= CKERNELS_AVX2) {
    *result = chains_avx2(iterations);
    return 2.0 * 8 * CHAINS * (double)iterations;
  }
#endif
  (void)level, (void)iterations;
  *result = 0;
  return 0;
}
