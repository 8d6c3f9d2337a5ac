// Times a dense layer's input gradient dx = dy·W at batch 32 as CKernels' product computes it and
// as ckernels_dense_input_gradient does (the steps where a tile's rows of dy are all zero skipped),
// for MinAtar's first dense layer (1024 → 128) and the Nature network's (3136 → 512), with dy as
// behind a ReLU: a fraction of the units off for every sample (none, a quarter, half), the others
// off for each sample with a probability uniform in [0, 0.6); best of many runs with warm caches,
// at each level; checks that both give the same bits.
//   scripts/microbench/run dense_input_gradient
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
      float *w = aligned_alloc(64, 4 * (size_t)O * I), *dy = aligned_alloc(64, 4 * (size_t)B * O);
      float *dx = aligned_alloc(64, 4 * (size_t)B * I), *dx2 = aligned_alloc(64, 4 * (size_t)B * I);
      for (size_t i = 0; i < (size_t)O * I; i++) w[i] = uniform() - .5f;
      const double dead[3] = {0, .25, .5};
      for (int z = 0; z < 3; z++) {
        int zeros = 0;
        for (int o = 0; o < O; o++) {
          const float off = uniform() < dead[z] ? 1 : .6f * uniform();
          for (int i = 0; i < B; i++) {
            dy[i * O + o] = uniform() < off ? 0 : uniform() - .5f;
            zeros += dy[i * O + o] == 0;
          }
        }
        double dense = 1e9, sparse = 1e9;
        const int runs = O > 128 ? 200 : 3000;
        int taken = 1;
        for (int r = 0; r < runs; r++) {
          BEST(dense, ckernels_sgemm(level, 0, 0, B, I, O, dy, O, w, I, 3, 0, dx, I));
          BEST(sparse, taken = ckernels_dense_input_gradient(level, B, I, O, dy, w, 0, dx2));
        }
        printf("%s %4d×%4d, %2.0f%% of units off, %2.0f%% of dy zero: product %7.1f µs, steps skipped %7.1f µs%s, same bits: %s\n",
               level == 2 ? "AVX-512" : "AVX2   ", B, I, dead[z] * 100, 100.0 * zeros / (B * O), dense * 1e6, sparse * 1e6,
               taken ? "" : " (declined)", !taken || memcmp(dx, dx2, 4 * (size_t)B * I) == 0 ? "yes" : "NO");
      }
      free(w), free(dy), free(dx), free(dx2);
    }
  }
}
