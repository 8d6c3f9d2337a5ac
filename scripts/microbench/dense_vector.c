// Times a dense layer's batch-1 forward y = bias + W·x (a network choosing one action) three ways:
// OpenBLAS's sgemv, CKernels' ckernels_gemv (W read in place) and ckernels_gemv_packed (W packed
// by ckernels_pack_gemv, rows of zero inputs skipped), with a ReLU's share of zeros in x (half, as
// a random input gives) and without zeros, W starting where a Swift array's floats do (48 bytes
// past a cache line); checks that the CKernels ways give the same bits at every level.
//   OPENBLAS_CORETYPE=SkylakeX OPENBLAS_NUM_THREADS=1 scripts/microbench/run dense_vector   (Haswell on Zen 3)
#include "CKernels.h"
#include "microbench.h"
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  const int shapes[][2] = {{128, 1024}, {512, 3136}, {6, 128}, {18, 512}, {100, 37}};
  const int top = ckernels_instruction_level();
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
    const int n = shapes[s][0], k = shapes[s][1];
    float *storage = aligned_alloc(64, sizeof(float) * ((size_t)n * k + 16));
    float *w = storage + 12, *x = malloc(sizeof(float) * k), *bias = malloc(sizeof(float) * n);
    float *y = malloc(sizeof(float) * n), *reference = malloc(sizeof(float) * n);
    float *packed[3];
    for (int level = CKERNELS_AVX2; level <= top; level++) {
      packed[level] = aligned_alloc(64, sizeof(float) * ckernels_gemv_packed_floats(level, n, k) + 64);
    }
    uint64_t *scratch = malloc(sizeof(uint64_t) * ckernels_gemv_scratch_words(k));
    for (int i = 0; i < n * k; i++) w[i] = rand() / (float)RAND_MAX - 0.5f;
    for (int i = 0; i < n; i++) bias[i] = rand() / (float)RAND_MAX - 0.5f;
    for (int level = CKERNELS_AVX2; level <= top; level++) ckernels_pack_gemv(level, n, k, w, packed[level]);
    for (int zeros = 1; zeros >= 0; zeros--) {
      for (int i = 0; i < k; i++) {
        const float v = rand() / (float)RAND_MAX - 0.5f;
        x[i] = zeros && v < 0 ? 0 : v;
      }
      memcpy(reference, bias, sizeof(float) * n);
      ckernels_gemv(top, n, k, w, x, reference);
      int same = 1;
      for (int level = CKERNELS_AVX2; level <= top; level++)
        for (int way = 0; way < 2; way++) {
          memcpy(y, bias, sizeof(float) * n);
          if (way == 0) ckernels_gemv(level, n, k, w, x, y);
          else ckernels_gemv_packed(level, n, k, packed[level], x, y, scratch);
          same &= memcmp(y, reference, sizeof(float) * n) == 0;
        }
      const double flops = 2.0 * n * k;
      const int reps = 2e8 / flops > 20 ? (int)(2e8 / flops) : 20;
      double best[3] = {1e9, 1e9, 1e9};
      for (int round = 0; round < 5; round++)
        for (int way = 0; way < 3; way++)
          for (int r = 0; r < reps; r++) {
            const double start = now();
            memcpy(y, bias, sizeof(float) * n);
            if (way == 0) cblas_sgemv(CblasRowMajor, CblasNoTrans, n, k, 1, w, k, x, 1, 1, y, 1);
            else if (way == 1) ckernels_gemv(top, n, k, w, x, y);
            else ckernels_gemv_packed(top, n, k, packed[top], x, y, scratch);
            const double e = now() - start;
            if (e < best[way]) best[way] = e;
          }
      printf("%4d×%4d %-9s sgemv %8.2f µs   in place %8.2f µs (%.2f×)   packed, zeros skipped %8.2f µs (%.2f×)   same bits: %s\n", n, k,
             zeros ? "ReLU'd x" : "dense x", best[0] * 1e6, best[1] * 1e6, best[0] / best[1], best[2] * 1e6, best[0] / best[2],
             same ? "yes" : "NO");
    }
    for (int level = CKERNELS_AVX2; level <= top; level++) free(packed[level]);
    free(storage), free(x), free(bias), free(y), free(reference), free(scratch);
  }
  return 0;
}
