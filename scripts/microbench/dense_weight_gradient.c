// Times a dense layer's weight gradient dW = dyᵀ·x written onto zeros not stored, at batch 32, as
// CKernels' product computes it and as ckernels_dense_weight_gradient does (dy's zeros skipped),
// for MinAtar's first dense layer (1024 → 128) and the Nature network's (3136 → 512), with none,
// half and three quarters of dy zero (x: uniform in [0, 1), half of it zero as behind a ReLU); best
// of many runs with warm caches, at each level; checks that both give the same bits.
//   scripts/microbench/run dense_weight_gradient
#include "CKernels.h"
#include "microbench.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void) {
  const int B = 32;
  const int shapes[2][2] = {{128, 1024}, {512, 3136}};
  for (int level = 2; level >= 1; level--) {
    if (ckernels_instruction_level() < level) continue;
    for (int s = 0; s < 2; s++) {
      const int O = shapes[s][0], I = shapes[s][1];
      float *x = aligned_alloc(64, 4 * (size_t)B * I), *dy = aligned_alloc(64, 4 * (size_t)B * O);
      float *dw = aligned_alloc(64, 4 * (size_t)O * I), *dw2 = aligned_alloc(64, 4 * (size_t)O * I);
      for (int i = 0; i < B * I; i++) x[i] = uniform() < .5f ? 0 : uniform();
      const double zeros[3] = {0, .5, .75};
      for (int z = 0; z < 3; z++) {
        for (int i = 0; i < B * O; i++) dy[i] = uniform() < zeros[z] ? 0 : uniform() - .5f;
        double dense = 1e9, sparse = 1e9;
        const int runs = O > 128 ? 200 : 3000;
        for (int r = 0; r < runs; r++) {
          BEST(dense, ckernels_sgemm(level, 1, 0, O, I, B, dy, O, x, I, 3, CKERNELS_ONTO_ZEROS, dw, I));
          BEST(sparse, ckernels_dense_weight_gradient(level, O, I, B, dy, x, CKERNELS_ONTO_ZEROS, dw2));
        }
        printf("%s %4d×%4d, %2.0f%% of dy zero: product %7.1f µs, zeros skipped %7.1f µs, same bits: %s\n",
               level == 2 ? "AVX-512" : "AVX2   ", O, I, zeros[z] * 100, dense * 1e6, sparse * 1e6,
               memcmp(dw, dw2, 4 * (size_t)O * I) == 0 ? "yes" : "NO");
      }
      free(x), free(dy), free(dw), free(dw2);
    }
  }
}
