// Times a dense layer's forward y[B, out] = bias + x[B, in] · Wᵀ whose weights are not packed
// beforehand (an online network's, which change every update), computed two ways by CKernels:
// as written (B = Wᵀ, packed inside the product: the whole weight matrix transposed into slivers)
// and swapped, yᵀ = W · xᵀ (A = W read in place, B = xᵀ packed: the batch, not the weights), with
// yᵀ started from the bias and transposed back; and, as a target network's or a playing network's
// forward, B = Wᵀ packed beforehand (not timed). All give the same bits (checked here).
//   scripts/microbench/run dense_forward [LEVEL]   (LEVEL 2 = AVX-512, the default; 1 = AVX2)
#include "CKernels.h"
#include "microbench.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  const int level = argc > 1 ? atoi(argv[1]) : CKERNELS_AVX512;
  const int shapes[][3] = {{32, 1024, 128}, {32, 3136, 512}, {48, 1024, 128}, {64, 1024, 128}, {64, 3136, 512},
                           {96, 1024, 128}, {128, 1024, 128}, {32, 128, 6}, {1, 1024, 128}, {2, 1024, 128}};
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
    const int batch = shapes[s][0], in = shapes[s][1], out = shapes[s][2];
    float *x = malloc(sizeof(float) * batch * in), *w = malloc(sizeof(float) * out * in), *bias = malloc(sizeof(float) * out);
    float *y1 = malloc(sizeof(float) * batch * out), *y2 = malloc(sizeof(float) * batch * out);
    float *t = malloc(sizeof(float) * batch * out);
    for (int i = 0; i < batch * in; i++) x[i] = rand() / (float)RAND_MAX - 0.5f;
    for (int i = 0; i < out * in; i++) w[i] = rand() / (float)RAND_MAX - 0.5f;
    for (int i = 0; i < out; i++) bias[i] = rand() / (float)RAND_MAX - 0.5f;
    const double flops = 2.0 * batch * in * out;
    const int reps = 1e9 / flops > 20 ? (int)(1e9 / flops) : 20;
    float *packed = malloc(sizeof(float) * ckernels_packed_b_floats(level, in, out));
    float *y3 = malloc(sizeof(float) * batch * out);
    ckernels_pack_b(level, 1, in, out, w, in, packed);
    double best[3] = {1e9, 1e9, 1e9};
    for (int round = 0; round < 3; round++)
      for (int way = 0; way < 3; way++)
        for (int r = 0; r < reps; r++) {
          const double start = now();
          if (way == 0) {
            for (int i = 0; i < batch; i++) memcpy(y1 + i * out, bias, sizeof(float) * out);
            ckernels_sgemm(level, 0, 1, batch, out, in, x, in, w, in, CKERNELS_IN_PLACE_A | CKERNELS_IN_PLACE_B, 1, y1, out);
          } else if (way == 2) {
            for (int i = 0; i < batch; i++) memcpy(y3 + i * out, bias, sizeof(float) * out);
            ckernels_sgemm_packed_b(level, 0, batch, out, in, x, in, packed, CKERNELS_IN_PLACE_A, 1, y3, out);
          } else {
            for (int j = 0; j < out; j++)
              for (int i = 0; i < batch; i++) t[j * batch + i] = bias[j];
            ckernels_sgemm(level, 0, 1, out, batch, in, w, in, x, in, CKERNELS_IN_PLACE_A | CKERNELS_IN_PLACE_B, 1, t, batch);
            for (int i = 0; i < batch; i++)
              for (int j = 0; j < out; j++) y2[i * out + j] = t[j * batch + i];
          }
          const double e = now() - start;
          if (e < best[way]) best[way] = e;
        }
    printf("%4d×%4d→%4d  x·Wᵀ %8.1f µs %6.1f GFLOP/s   (W·xᵀ)ᵀ %8.1f µs %6.1f GFLOP/s  %+5.1f%%   Wᵀ packed before %8.1f µs  same bits: %s\n",
           batch, in, out, best[0] * 1e6, flops / best[0] * 1e-9, best[1] * 1e6, flops / best[1] * 1e-9,
           (best[0] / best[1] - 1) * 100, best[2] * 1e6,
           memcmp(y1, y2, sizeof(float) * batch * out) == 0 && memcmp(y1, y3, sizeof(float) * batch * out) == 0 ? "yes" : "NO");
    free(x), free(w), free(bias), free(y1), free(y2), free(t), free(packed), free(y3);
  }
  return 0;
}
