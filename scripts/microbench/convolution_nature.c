// Times the Nature network's three convolutions (a batch of 32 and of 1: 4×84×84 → 32 filters of
// 8×8 stride 4; 32×20×20 → 64 of 4×4 stride 2; 64×9×9 → 64 of 3×3 stride 1) as CKernels computes
// them in a forward, the implicit product and its bias and ReLU pass against the direct
// convolution (the wide tiles), its weights packed on every call and kept packed from one call to
// the next (a layer's weights between two changes), best of many runs with warm caches, and checks
// that all give the same bits.
//   scripts/microbench/run convolution_nature [LEVEL]   (LEVEL 2 = AVX-512, the default; 1 = AVX2)
#include "CKernels.h"
#include "microbench.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv) {
  const int level = argc > 1 ? atoi(argv[1]) : 2;
  int cases[][7] = {{32, 4, 84, 8, 4, 32, 1}, {32, 32, 20, 4, 2, 64, 1}, {32, 64, 9, 3, 1, 64, 1}, {1, 4, 84, 8, 4, 32, 1}, {1, 32, 20, 4, 2, 64, 1}, {1, 64, 9, 3, 1, 64, 1}};
  for (int c = 0; c < 6; c++) {
    int N = cases[c][0], C = cases[c][1], H = cases[c][2], k = cases[c][3], s = cases[c][4], F = cases[c][5];
    int oh = (H - k) / s + 1, plane = oh * oh, taps = C * k * k;
    float *x = malloc(4 * N * C * H * H), *w = malloc(4 * F * taps), *b = malloc(4 * F);
    float *rows = malloc(4 * F * N * plane), *ref = malloc(4 * F * N * plane), *mine = malloc(4 * F * N * plane);
    for (int i = 0; i < N * C * H * H; i++) x[i] = rand() / (float)RAND_MAX;
    for (int i = 0; i < F * taps; i++) w[i] = rand() / (float)RAND_MAX - .5f;
    for (int i = 0; i < F; i++) b[i] = rand() / (float)RAND_MAX - .5f;
    float *kept = malloc(4 * ckernels_convolution_direct_packed_floats(F, taps)), *mine2 = malloc(4 * F * N * plane);
    double b1 = 1, b2 = 1, b3 = 1; int reps = N == 1 ? 2000 : 100, refused = 0;
    for (int r = 0; r < reps; r++) {
      double t = now();
      ckernels_convolution_gemm(level, w, F, x, N, C, H, H, k, k, s, 0, 1, 2, rows);
      ckernels_add_bias_by_sample(rows, ref, F, N, plane, b, 1);
      t = now() - t; if (t < b1) b1 = t;
      t = now();
      int done = ckernels_convolution_direct(level, w, F, b, 1, x, N, C, H, H, k, k, s, 0, mine, NULL, 0);
      t = now() - t; if (t < b2) b2 = t;
      t = now();
      ckernels_convolution_direct(level, w, F, b, 1, x, N, C, H, H, k, k, s, 0, mine2, kept, r > 0);
      t = now() - t; if (t < b3) b3 = t;
      if (!done) { refused = 1; break; }
    }
    if (refused) {
      printf("N%2d C%2d %dx%d k%d s%d F%d: packed+bias %8.1f us  (no direct convolution for this shape)\n", N, C, H, H, k, s, F, b1 * 1e6);
      continue;
    }
    double flop = 2.0 * N * plane * F * taps;
    printf("N%2d C%2d %dx%d k%d s%d F%d: packed+bias %7.1f us (%5.1f GF/s)  direct %7.1f us (%5.1f GF/s)  weights kept %7.1f us (%5.1f GF/s)  same %s\n",
           N, C, H, H, k, s, F, b1*1e6, flop/b1*1e-9, b2*1e6, flop/b2*1e-9, b3*1e6, flop/b3*1e-9,
           memcmp(ref, mine, 4*F*N*plane) || memcmp(ref, mine2, 4*F*N*plane) ? "NO" : "yes");
  }
}
