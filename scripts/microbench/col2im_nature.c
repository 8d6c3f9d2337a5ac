// Times col2im on the column gradients of the Nature network's second and third convolutions, as
// ckernels_convolution_input_gradient hands them over (a group of samples at a time: 6 of
// 32×20×20, 4×4 stride 2; 9 of 64×9×9, 3×3 stride 1), tap by tap (ckernels_col2im_transposed)
// and by image rows (ckernels_col2im_rows), checks that both give the same bits, and times the
// whole input gradient at batch 32 (which folds by image rows where the level can).
//   scripts/microbench/run col2im_nature [LEVEL]   (LEVEL 2 = AVX-512, the default; 1 = AVX2)
#include "CKernels.h"
#include "microbench.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv) {
  const int level = argc > 1 ? atoi(argv[1]) : 2;
  int cases[][6] = {{6, 32, 20, 4, 2, 64}, {9, 64, 9, 3, 1, 64}};
  for (int c = 0; c < 2; c++) {
    int n = cases[c][0], C = cases[c][1], H = cases[c][2], k = cases[c][3], s = cases[c][4], F = cases[c][5];
    int oh = (H - k) / s + 1, plane = oh * oh, taps = C * k * k;
    size_t columns = (size_t)taps * n * plane, image = (size_t)n * C * H * H;
    float *pristine = malloc(4 * columns), *work = malloc(4 * columns), *out = malloc(4 * image);
    for (size_t i = 0; i < columns; i++) pristine[i] = uniform() - .5f;
    double copy = 1, total = 1;
    for (int r = 0; r < 2000; r++) {
      BEST(copy, memcpy(work, pristine, 4 * columns));
      BEST(total, (memcpy(work, pristine, 4 * columns), ckernels_col2im_transposed(work, out, n, C, H, H, k, k, s, 0)));
    }
    double rows = 1;
    float *mine = malloc(4 * image);
    int taken = 1;
    for (int r = 0; r < 2000 && taken; r++)
      BEST(rows, taken = ckernels_col2im_rows(level, pristine, mine, n, C, H, H, k, k, s, 0));
    const char *same = !taken ? "not at this level" : memcmp(mine, out, 4 * image) == 0 ? "same bits: yes" : "same bits: NO";
    // The whole input gradient at batch 32: the grouped products and their col2im.
    const int N = 32;
    float *w = malloc(4 * F * taps), *dy = malloc(4 * (size_t)F * N * plane), *dx = malloc(4 * (size_t)N * C * H * H);
    for (int i = 0; i < F * taps; i++) w[i] = uniform() - .5f;
    for (int i = 0; i < F * N * plane; i++) dy[i] = uniform() - .5f;
    double whole = 1;
    for (int r = 0; r < 200; r++)
      BEST(whole, ckernels_convolution_input_gradient(level, w, F, dy, N, C, H, H, k, k, s, 0, CKERNELS_IN_PLACE_A | CKERNELS_FOLD_BY_ROWS, dx));
    printf("C%2d %2dx%-2d k%d s%d, %d samples: col2im tap by tap %6.1f us, by image rows %6.1f us (%s); input gradient at 32: %7.1f us\n",
           C, H, H, k, s, n, (total - copy) * 1e6, rows * 1e6, same, whole * 1e6);
  }
  return 0;
}
