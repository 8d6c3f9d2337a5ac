// Times the MinAtar network's convolution (a batch of 32 4×10×10 inputs, 16 filters of 3×3, stride
// 1, no padding) as CKernels computes it in an update: the implicit forward and the implicit
// weight gradient (dW[16, 36] += dY[16, 2048] · im2col(x)ᵀ), best of many runs with warm caches;
// then the forward with its bias and ReLU pass against the direct convolution (AVX-512 and AVX2), which
// computes both at once.
//   scripts/microbench/run convolution_minatar [LEVEL [IN_PLACE]]   (LEVEL 2 = AVX-512, the default;
//   1 = AVX2; IN_PLACE: CKERNELS_IN_PLACE_A = 2 (the default), CKERNELS_IMAGE_ROWS = 4 (the weight
//   gradient transposed, the image read along its rows), or'ed; 0 = packed). It first checks that
//   the weight gradient has the same bits with and without CKERNELS_IMAGE_ROWS.
#include "CKernels.h"
#include "microbench.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  const int level = argc > 1 ? atoi(argv[1]) : CKERNELS_AVX512;
  const int in_place = argc > 2 ? atoi(argv[2]) : CKERNELS_IN_PLACE_A;  // 0: A packed
  enum { B = 32, C = 4, H = 10, W = 10, F = 16, K = 3, OH = 8, OW = 8 };
  float *input = malloc(sizeof(float) * B * C * H * W), *rows_gradient = malloc(sizeof(float) * F * B * OH * OW);
  float *weights = malloc(sizeof(float) * F * C * K * K), *weight_gradient = calloc(F * C * K * K, sizeof(float));
  float *output = malloc(sizeof(float) * F * B * OH * OW);
  for (int i = 0; i < B * C * H * W; i++) input[i] = rand() / (float)RAND_MAX;
  for (int i = 0; i < F * B * OH * OW; i++) rows_gradient[i] = rand() / (float)RAND_MAX - 0.5f;
  for (int i = 0; i < F * C * K * K; i++) weights[i] = rand() / (float)RAND_MAX - 0.5f;
  const double flop = 2.0 * F * (C * K * K) * (B * OH * OW);
  {
    // Twice from the same start, so that the second accumulates onto a sum.
    float *by_rows = calloc(F * C * K * K, sizeof(float)), *usual = calloc(F * C * K * K, sizeof(float));
    for (int twice = 0; twice < 2; twice++) {
      ckernels_convolution_weight_gradient(level, rows_gradient, F, input, B, C, H, W, K, K, 1, 0,
                                           in_place | CKERNELS_IMAGE_ROWS, by_rows);
      ckernels_convolution_weight_gradient(level, rows_gradient, F, input, B, C, H, W, K, K, 1, 0,
                                           in_place & ~CKERNELS_IMAGE_ROWS, usual);
    }
    printf("weight gradient by image rows: same bits as without: %s\n",
           memcmp(by_rows, usual, sizeof(float) * F * C * K * K) == 0 ? "yes" : "NO");
    free(by_rows), free(usual);
  }
  double best_gradient = 1, best_forward = 1;
  for (int r = 0; r < 60000; r++) {
    double t = now();
    ckernels_convolution_weight_gradient(level, rows_gradient, F, input, B, C, H, W, K, K, 1, 0, in_place,
                                         weight_gradient);
    t = now() - t;
    if (t < best_gradient) best_gradient = t;
    t = now();
    ckernels_convolution_gemm(level, weights, F, input, B, C, H, W, K, K, 1, 0, 1, in_place, output);
    t = now() - t;
    if (t < best_forward) best_forward = t;
  }
  printf("level %d  forward %.1f µs (%.1f GFLOP/s)  weight gradient %.1f µs (%.1f GFLOP/s)\n", level,
         best_forward * 1e6, flop / best_forward * 1e-9, best_gradient * 1e6, flop / best_gradient * 1e-9);
  float *bias = malloc(sizeof(float) * F), *biased = malloc(sizeof(float) * F * B * OH * OW);
  float *direct = malloc(sizeof(float) * F * B * OH * OW);
  for (int i = 0; i < F; i++) bias[i] = rand() / (float)RAND_MAX - 0.5f;
  if (ckernels_convolution_direct(level, weights, F, bias, 1, input, B, C, H, W, K, K, 1, 0, direct, NULL, 0)) {
    double best_biased = 1, best_direct = 1;
    for (int r = 0; r < 60000; r++) {
      double t = now();
      ckernels_convolution_gemm(level, weights, F, input, B, C, H, W, K, K, 1, 0, 1, in_place, output);
      ckernels_add_bias_by_sample(output, biased, F, B, OH * OW, bias, 1);
      t = now() - t;
      if (t < best_biased) best_biased = t;
      t = now();
      ckernels_convolution_direct(level, weights, F, bias, 1, input, B, C, H, W, K, K, 1, 0, direct, NULL, 0);
      t = now() - t;
      if (t < best_direct) best_direct = t;
    }
    printf("forward, bias and ReLU %.1f µs  direct convolution %.1f µs (%.1f GFLOP/s)  same bits: %s\n",
           best_biased * 1e6, best_direct * 1e6, flop / best_direct * 1e-9,
           memcmp(biased, direct, sizeof(float) * F * B * OH * OW) == 0 ? "yes" : "NO");
  } else {
    printf("no direct convolution at level %d\n", level);
  }
  free(input), free(rows_gradient), free(weights), free(weight_gradient), free(output);
  free(bias), free(biased), free(direct);
  return 0;
}
