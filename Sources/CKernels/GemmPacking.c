// The plain-C packers: they copy blocks of the operands into the sliver layout the microkernels
// read (GemmKernels.h). The AVX-512 level has faster ones for transposed matrices and im2col
// (GemmAVX512.c); these serve the other levels and are the reference the tests hold those to.
#include "GemmKernels.h"
#include <string.h>

void gemm_pack_a_generic(const gemm_matrix *a, int i0, int mc, int k0, int kc, int mr, float *restrict dst) {
  for (int s = 0; s < mc; s += mr) {
    float *sliver = dst + (ptrdiff_t)s * kc;
    const int rows = mc - s < mr ? mc - s : mr;
    const float *origin = a->data + (i0 + s) * a->row_stride + k0 * a->column_stride;
    if (a->row_stride == 1) {
      for (int p = 0; p < kc; p++) {
        const float *from = origin + p * a->column_stride;
        for (int i = 0; i < rows; i++) sliver[p * mr + i] = from[i];
        for (int i = rows; i < mr; i++) sliver[p * mr + i] = 0;
      }
    } else {
      for (int i = 0; i < rows; i++) {
        const float *from = origin + i * a->row_stride;
        for (int p = 0; p < kc; p++) sliver[p * mr + i] = from[p * a->column_stride];
      }
      for (int i = rows; i < mr; i++)
        for (int p = 0; p < kc; p++) sliver[p * mr + i] = 0;
    }
  }
}

void gemm_pack_b_generic(const gemm_matrix *b, int k0, int kc, int j0, int nc, int nr, float *restrict dst) {
  for (int t = 0; t < nc; t += nr) {
    float *sliver = dst + (ptrdiff_t)t * kc;
    const int columns = nc - t < nr ? nc - t : nr;
    const float *origin = b->data + k0 * b->row_stride + (j0 + t) * b->column_stride;
    if (b->column_stride == 1) {
      for (int p = 0; p < kc; p++) {
        memcpy(sliver + p * nr, origin + p * b->row_stride, sizeof(float) * (size_t)columns);
        for (int j = columns; j < nr; j++) sliver[p * nr + j] = 0;
      }
    } else {
      for (int j = 0; j < columns; j++) {
        const float *from = origin + j * b->column_stride;
        for (int p = 0; p < kc; p++) sliver[p * nr + j] = from[p * b->row_stride];
      }
      for (int j = columns; j < nr; j++)
        for (int p = 0; p < kc; p++) sliver[p * nr + j] = 0;
    }
  }
}

// The input value of tap (c, ky, kx) of the window whose top-left corner is (y0, x0) in `image`
// (one sample), or 0 in the padding.
static inline float tap_value(const gemm_convolution *s, const float *image, int y0, int x0, int c,
                              int ky, int kx) {
  const int y = y0 + ky, x = x0 + kx;
  return y >= 0 && y < s->height && x >= 0 && x < s->width
             ? image[((ptrdiff_t)c * s->height + y) * s->width + x]
             : 0.0f;
}

// Position → the sample's image and the window's top-left corner.
static inline const float *window(const gemm_convolution *s, int position, int *y0, int *x0) {
  const int plane = s->output_height * s->output_width;
  const int n = position / plane, within = position % plane;
  *y0 = within / s->output_width * s->stride - s->padding;
  *x0 = within % s->output_width * s->stride - s->padding;
  return s->input + (ptrdiff_t)n * s->channels * s->height * s->width;
}

// Tap index → channel and kernel row and column.
static inline void tap(const gemm_convolution *s, int index, int *c, int *ky, int *kx) {
  const int taps = s->kernel_height * s->kernel_width;
  *c = index / taps;
  *ky = index % taps / s->kernel_width;
  *kx = index % s->kernel_width;
}

void gemm_pack_convolution_generic(const gemm_convolution *s, int k0, int kc, int j0, int nc, int nr,
                                   float *restrict dst) {
  for (int t = 0; t < nc; t += nr) {
    float *sliver = dst + (ptrdiff_t)t * kc;
    for (int j = 0; j < nr; j++) {
      if (t + j >= nc) {
        for (int p = 0; p < kc; p++) sliver[p * nr + j] = 0;
        continue;
      }
      int y0, x0, c, ky, kx;
      const float *image = window(s, j0 + t + j, &y0, &x0);
      for (int p = 0; p < kc; p++) {
        tap(s, k0 + p, &c, &ky, &kx);
        sliver[p * nr + j] = tap_value(s, image, y0, x0, c, ky, kx);
      }
    }
  }
}

void gemm_pack_convolution_transposed_generic(const gemm_convolution *s, int k0, int kc, int j0,
                                              int nc, int nr, float *restrict dst) {
  for (int t = 0; t < nc; t += nr) {
    float *sliver = dst + (ptrdiff_t)t * kc;
    for (int p = 0; p < kc; p++) {
      int y0, x0, c, ky, kx;
      const float *image = window(s, k0 + p, &y0, &x0);
      for (int j = 0; j < nr; j++) {
        if (t + j >= nc) {
          sliver[p * nr + j] = 0;
          continue;
        }
        tap(s, j0 + t + j, &c, &ky, &kx);
        sliver[p * nr + j] = tap_value(s, image, y0, x0, c, ky, kx);
      }
    }
  }
}
