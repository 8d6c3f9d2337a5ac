// The plain-C microkernel: what any processor runs when the vector ones cannot (the compiler
// vectorises it for the baseline instruction set).
#include "GemmKernels.h"

#define MR 4
#define NR 8

static void kernel_generic(int kc, const float *restrict a, const float *restrict b, ptrdiff_t ldb,
                           float *restrict c, ptrdiff_t ldc, int accumulate, int rows, int columns) {
  float sum[MR][NR] = {{0}};
  for (int p = 0; p < kc; p++) {
    for (int i = 0; i < MR; i++) {
      const float ai = a[p * MR + i];
      for (int j = 0; j < NR; j++) sum[i][j] += ai * b[p * ldb + j];
    }
  }
  for (int i = 0; i < rows; i++) {
    float *row = c + i * ldc;
    for (int j = 0; j < columns; j++)
      row[j] = accumulate == 1 ? row[j] + sum[i][j] : accumulate == 2 ? 0.0f + sum[i][j] : sum[i][j];
  }
}

const gemm_level gemm_level_generic = {
    .mr = MR, .nr = NR, .mc = 64, .kc = 256, .nc = 512,
    .kernel = kernel_generic, .pack_a = gemm_pack_a_generic, .pack_b = gemm_pack_b_generic,
    .pack_convolution = gemm_pack_convolution_generic,
    .pack_convolution_transposed = gemm_pack_convolution_transposed_generic,
};
