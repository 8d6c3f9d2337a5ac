// Times CKernels' products with a row-major B read in place and packed (ckernels_sgemm's
// b_in_place), best of many runs with warm caches, on the shapes where the AVX-512 level reads B
// in place (at most its in_place_rows = 48 rows; Gemm.c). Build and run with
// `scripts/microbench/run gemm_in_place`. (The shapes that set the limit, 64 to 128 rows, were
// measured with in_place_rows raised; with it as shipped, they are always packed.)
#include "CKernels.h"
#include "microbench.h"
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  const int level = argc > 1 ? atoi(argv[1]) : CKERNELS_AVX512;
  // m, n, k, A transposed, accumulate: dx = dy·W of the MinAtar and Nature networks' dense layers
  // at batch 32 (and 48), and a weight gradient dW = dyᵀ·x with 32 outputs.
  const int shapes[][5] = {{32, 1024, 128, 0, 0}, {48, 1024, 128, 0, 0}, {32, 1024, 32, 1, 1},
                           {32, 3136, 512, 0, 0}};
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
    const int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2], ta = shapes[s][3], acc = shapes[s][4];
    float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n), *c = calloc((size_t)m * n, sizeof(float));
    for (int i = 0; i < m * k; i++) a[i] = rand() / (float)RAND_MAX;
    for (int i = 0; i < k * n; i++) b[i] = rand() / (float)RAND_MAX;
    const int reps = 2e9 / (2.0 * m * n * k) > 20 ? (int)(2e9 / (2.0 * m * n * k)) : 20;
    double best[2] = {1e9, 1e9};
    for (int round = 0; round < 3; round++)
      for (int in_place = 0; in_place < 2; in_place++)
        for (int r = 0; r < reps; r++) {
          const double t = now();
          ckernels_sgemm(level, ta, 0, m, n, k, a, ta ? m : k, b, n, in_place, acc, c, n);
          const double elapsed = now() - t;
          if (elapsed < best[in_place]) best[in_place] = elapsed;
        }
    printf("%4d×%4d×%4d%s  packed %8.1f µs %6.1f GFLOP/s   in place %8.1f µs %6.1f GFLOP/s\n", m, n, k,
           ta ? " Aᵀ" : "   ", best[0] * 1e6, 2.0 * m * n * k / best[0] * 1e-9, best[1] * 1e6,
           2.0 * m * n * k / best[1] * 1e-9);
    free(a), free(b), free(c);
  }
  return 0;
}
