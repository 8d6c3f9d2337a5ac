// Times the products of MinAtar's first dense layer (1024 → 128) at batch 32 as an update makes
// them, best of many runs with warm caches: the forward yᵀ = W·xᵀ (W read in place), the zeroing of
// the weight gradient, dW = dyᵀ·x added to it or written onto zeros not stored
// (CKERNELS_ONTO_ZEROS), and dx = dy·W with W read in place or packed (the packing alone and the
// product from packed weights), or computed as dxᵀ = Wᵀ·dyᵀ.
//   scripts/microbench/run dense_products
#include "CKernels.h"
#include "microbench.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void) {
  const int B = 32, I = 1024, O = 128;
  float *w = aligned_alloc(64, 4*O*I), *x = aligned_alloc(64, 4*B*I), *dy = aligned_alloc(64, 4*B*O);
  float *dw = aligned_alloc(64, 4*O*I), *dx = aligned_alloc(64, 4*B*I), *dxt = aligned_alloc(64, 4*B*I), *yt = aligned_alloc(64, 4*O*B);
  float *wp = aligned_alloc(64, 4*ckernels_packed_b_floats(2, O, I));
  for (int i = 0; i < O*I; i++) w[i] = rand()/(float)RAND_MAX - .5f;
  for (int i = 0; i < B*I; i++) x[i] = rand()/(float)RAND_MAX;
  for (int i = 0; i < B*O; i++) dy[i] = rand()/(float)RAND_MAX - .5f;
  for (int round = 0; round < 3; round++) {
    double f = 1e9, dwt = 1e9, dwz = 1e9, ms = 1e9, dxi = 1e9, dxp = 1e9, dxpk = 1e9, dxT = 1e9, dxN = 1e9;
    for (int r = 0; r < 3000; r++) {
      BEST(f, ckernels_sgemm(2, 0, 1, O, B, I, w, I, x, I, 3, 1, yt, B));
      BEST(ms, memset(dw, 0, 4*O*I));
      BEST(dwt, ckernels_sgemm(2, 1, 0, O, I, B, dy, O, x, I, 3, 1, dw, I));
      BEST(dwz, ckernels_sgemm(2, 1, 0, O, I, B, dy, O, x, I, 3, CKERNELS_ONTO_ZEROS, dw, I));
      BEST(dxi, ckernels_sgemm(2, 0, 0, B, I, O, dy, O, w, I, 3, 0, dx, I));
      BEST(dxp, ckernels_sgemm(2, 0, 0, B, I, O, dy, O, w, I, 2, 0, dx, I));
      BEST(dxpk, ckernels_pack_b(2, 0, O, I, w, I, wp));
      BEST(dxN, ckernels_sgemm_packed_b(2, 0, B, I, O, dy, O, wp, 2, 0, dx, I));
      BEST(dxT, ckernels_sgemm(2, 1, 1, I, B, O, w, I, dy, O, 3, 0, dxt, B));
    }
    printf("fwd W·xT %.1f | memset %.1f dW acc %.1f dW onto zeros %.1f | dx inplaceB %.1f packedB %.1f (pack %.1f + prepacked %.1f) | dxT=WT·dyT %.1f us\n",
      f*1e6, ms*1e6, dwt*1e6, dwz*1e6, dxi*1e6, dxp*1e6, dxpk*1e6, dxN*1e6, dxT*1e6);
  }
}
