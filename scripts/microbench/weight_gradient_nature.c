// Times the weight gradients of the Nature network's three convolutions at batch 32 (and
// MinAtar's), dW += dY · im2col(x)ᵀ, as the usual implicit product (windows packed transposed, a
// gather per position) and by image rows (dWᵀ += im2col(x) · dYᵀ, the image, or a strided
// convolution's space-to-depth copy, read in place along its rows), and checks they give the same bits.
//   scripts/microbench/run weight_gradient_nature [LEVEL]   (LEVEL 2 = AVX-512, the default; 1 = AVX2)
#include "CKernels.h"
#include "microbench.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  const int level = argc > 1 ? atoi(argv[1]) : CKERNELS_AVX512;
  // batch, channels, size, kernel, stride, filters
  const int shapes[][6] = {{32, 4, 84, 8, 4, 32}, {32, 32, 20, 4, 2, 64}, {32, 64, 9, 3, 1, 64}, {32, 4, 10, 3, 1, 16}};
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
    const int N = shapes[i][0], C = shapes[i][1], H = shapes[i][2], k = shapes[i][3], s = shapes[i][4], F = shapes[i][5];
    const int out = (H - k) / s + 1, positions = N * out * out, taps = C * k * k;
    float *x = malloc(sizeof(float) * N * C * H * H), *dy = malloc(sizeof(float) * F * positions);
    float *dw[2] = {malloc(sizeof(float) * F * taps), malloc(sizeof(float) * F * taps)};
    for (int j = 0; j < N * C * H * H; j++) x[j] = rand() / (float)RAND_MAX - 0.5f;
    for (int j = 0; j < F * positions; j++) dy[j] = rand() / (float)RAND_MAX - 0.5f;
    double best[2] = {1e9, 1e9};
    const double flop = 2.0 * F * taps * positions;
    const int reps = 3e9 / flop > 5 ? (int)(3e9 / flop) : 5;
    for (int round = 0; round < 3; round++)
      for (int way = 0; way < 2; way++) {
        memset(dw[way], 0, sizeof(float) * F * taps);
        for (int r = 0; r < reps; r++) {
          const double start = now();
          ckernels_convolution_weight_gradient(level, dy, F, x, N, C, H, H, k, k, s, 0,
                                               CKERNELS_IN_PLACE_A | (way ? CKERNELS_IMAGE_ROWS : 0), dw[way]);
          const double e = now() - start;
          if (e < best[way]) best[way] = e;
        }
      }
    printf("N%2d C%2d %2dx%-2d k%d s%d F%2d: packed windows %8.1f µs (%5.1f GF/s)  by rows %8.1f µs (%5.1f GF/s)  same bits: %s\n", N, C, H,
           H, k, s, F, best[0] * 1e6, flop / best[0] * 1e-9, best[1] * 1e6, flop / best[1] * 1e-9,
           memcmp(dw[0], dw[1], sizeof(float) * F * taps) ? "NO" : "yes");
    free(x), free(dy), free(dw[0]), free(dw[1]);
  }
  return 0;
}
