// Times CKernels' products with A read in place (CKERNELS_IN_PLACE_A) and packed, best of many runs
// with warm caches, on the DQN networks' products at batch 32 and a sweep of column counts: what
// sets each level's in_place_a_columns (GemmAVX512.c, GemmAVX2.c). Build and run with
// `scripts/microbench/run gemm_in_place_a [LEVEL]` (2: AVX-512, 1: AVX2).
#include "CKernels.h"
#include "microbench.h"
#include <stdio.h>
#include <stdlib.h>

typedef struct {
  const char *name;
  int m, n, k, transpose_a, packed_b;
} shape;

static double best_of(const shape *s, int level, int in_place, const float *a, const float *b, const float *packed,
                      float *c, int reps) {
  double best = 1e9;
  for (int r = 0; r < reps; r++) {
    const double t = now();
    if (s->packed_b)
      ckernels_sgemm_packed_b(level, s->transpose_a, s->m, s->n, s->k, a, s->transpose_a ? s->m : s->k, packed,
                              in_place & CKERNELS_IN_PLACE_A, 0, c, s->n);
    else
      ckernels_sgemm(level, s->transpose_a, 0, s->m, s->n, s->k, a, s->transpose_a ? s->m : s->k, b, s->n, in_place, 0,
                     c, s->n);
    const double e = now() - t;
    if (e < best) best = e;
  }
  return best;
}

int main(int argc, char **argv) {
  const int level = argc > 1 ? atoi(argv[1]) : CKERNELS_AVX512;
  const shape shapes[] = {
      {"MinAtar fc1 forward", 32, 128, 1024, 0, 1}, {"MinAtar fc1 dW", 128, 1024, 32, 1, 0},
      {"MinAtar fc1 dx", 32, 1024, 128, 0, 0},      {"Nature fc1 forward", 32, 512, 3136, 0, 1},
      {"Nature fc1 dW", 512, 3136, 32, 1, 0},       {"Nature fc1 dx", 32, 3136, 512, 0, 0},
      {"sweep", 64, 16, 256, 0, 0},   {"sweep", 64, 32, 256, 0, 0},   {"sweep", 64, 64, 256, 0, 0},
      {"sweep", 64, 128, 256, 0, 0},  {"sweep", 64, 256, 256, 0, 0},  {"sweep", 64, 512, 256, 0, 0},
      {"sweep", 64, 1024, 256, 0, 0}, {"sweep", 64, 2048, 256, 0, 0}, {"sweep ᵀ", 64, 64, 256, 1, 0},
      {"sweep ᵀ", 64, 256, 256, 1, 0}, {"sweep ᵀ", 64, 1024, 256, 1, 0},
  };
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
    const shape *s = &shapes[i];
    float *a = malloc(sizeof(float) * s->m * s->k), *b = malloc(sizeof(float) * s->k * s->n);
    float *c = calloc((size_t)s->m * s->n, sizeof(float));
    float *packed = malloc(sizeof(float) * ckernels_packed_b_floats(level, s->k, s->n));
    for (int j = 0; j < s->m * s->k; j++) a[j] = rand() / (float)RAND_MAX;
    for (int j = 0; j < s->k * s->n; j++) b[j] = rand() / (float)RAND_MAX;
    ckernels_pack_b(level, 0, s->k, s->n, b, s->n, packed);
    const double flops = 2.0 * s->m * s->n * s->k;
    const int reps = 1e9 / flops > 20 ? (int)(1e9 / flops) : 20;
    double packed_a = 1e9, in_place_a = 1e9;
    for (int round = 0; round < 3; round++) {
      const double x = best_of(s, level, CKERNELS_IN_PLACE_B, a, b, packed, c, reps);
      const double y = best_of(s, level, CKERNELS_IN_PLACE_B | CKERNELS_IN_PLACE_A, a, b, packed, c, reps);
      if (x < packed_a) packed_a = x;
      if (y < in_place_a) in_place_a = y;
    }
    printf("%-20s %4d×%4d×%4d%s  A packed %8.1f µs %6.1f GFLOP/s   in place %8.1f µs %6.1f GFLOP/s  %+5.1f%%\n",
           s->name, s->m, s->n, s->k, s->transpose_a ? " Aᵀ" : "   ", packed_a * 1e6, flops / packed_a * 1e-9,
           in_place_a * 1e6, flops / in_place_a * 1e-9, (packed_a / in_place_a - 1) * 100);
    free(a), free(b), free(c), free(packed);
  }
  return 0;
}
