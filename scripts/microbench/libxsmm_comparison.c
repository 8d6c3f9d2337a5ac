// Compares CKernels' products with libxsmm's JIT kernels (Debian's libxsmm-dev 1.17, which dqn
// does not use: `apt install libxsmm-dev` first) on the DQN networks' products at batch 32: time,
// best of many runs with warm caches, and whether the bits agree. It is the measurement behind
// keeping CKernels (ARCHITECTURE.md): libxsmm has no kernel for a transposed first operand (a dense
// forward's x·Wᵀ), and its sums differ from CKernels' past 256 products (CKernels adds each block of
// 256 to C in turn) and, on AVX-512, in the last n mod 32 columns.
//   scripts/microbench/run libxsmm_comparison [LEVEL]   (LEVEL 2 = AVX-512, the default; 1 = AVX2,
//   with LIBXSMM_TARGET=hsw for libxsmm's AVX2 kernels)
#include "CKernels.h"
#include "microbench.h"
#include <libxsmm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  libxsmm_init();
  const int level = argc > 1 ? atoi(argv[1]) : CKERNELS_AVX512;
  printf("libxsmm target: %s\n", libxsmm_get_target_arch());
  // m, n, k, A transposed: row-major C[m, n] = op(A)·B, as libxsmm's column-major Cᵀ = Bᵀ·op(A)ᵀ.
  const int shapes[][4] = {{32, 1024, 128, 0}, {128, 1024, 32, 1}, {32, 3136, 512, 0}, {512, 3136, 32, 1},
                           {16, 36, 2048, 0},  {64, 64, 256, 0},   {64, 70, 200, 1}};
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
    const int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2], ta = shapes[s][3];
    float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n);
    float *c1 = calloc((size_t)m * n, sizeof(float)), *c2 = calloc((size_t)m * n, sizeof(float));
    for (int i = 0; i < m * k; i++) a[i] = rand() / (float)RAND_MAX - 0.5f;
    for (int i = 0; i < k * n; i++) b[i] = rand() / (float)RAND_MAX - 0.5f;
    const libxsmm_blasint lda = n, ldb = ta ? m : k, ldc = n;
    const float alpha = 1, beta = 0;
    const int flags = ta ? LIBXSMM_GEMM_FLAG_TRANS_B : 0;
    const libxsmm_smmfunction kernel = libxsmm_smmdispatch(n, m, k, &lda, &ldb, &ldc, &alpha, &beta, &flags, NULL);
    if (kernel == NULL) {
      printf("%4d×%4d×%4d%s  libxsmm has no kernel\n", m, n, k, ta ? " Aᵀ" : "   ");
      continue;
    }
    const double flops = 2.0 * m * n * k;
    const int reps = 1e9 / flops > 20 ? (int)(1e9 / flops) : 20;
    double best[2] = {1e9, 1e9};
    for (int round = 0; round < 3; round++)
      for (int which = 0; which < 2; which++)
        for (int r = 0; r < reps; r++) {
          const double t = now();
          if (which == 0)
            ckernels_sgemm(level, ta, 0, m, n, k, a, ta ? m : k, b, n, CKERNELS_IN_PLACE_A | CKERNELS_IN_PLACE_B, 0, c1, n);
          else
            kernel(b, a, c2);
          const double e = now() - t;
          if (e < best[which]) best[which] = e;
        }
    int differ = 0;
    for (int i = 0; i < m * n; i++) differ += memcmp(c1 + i, c2 + i, sizeof(float)) != 0;
    printf("%4d×%4d×%4d%s  CKernels %8.1f µs %6.1f GFLOP/s   libxsmm %8.1f µs %6.1f GFLOP/s   bits differ in %d of %d\n", m,
           n, k, ta ? " Aᵀ" : "   ", best[0] * 1e6, flops / best[0] * 1e-9, best[1] * 1e6, flops / best[1] * 1e-9, differ,
           m * n);
    free(a), free(b), free(c1), free(c2);
  }
  return 0;
}
