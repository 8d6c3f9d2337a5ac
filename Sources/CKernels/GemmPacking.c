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

gemm_runs gemm_find_runs(const int *offset, unsigned bits, int lanes) {
  gemm_runs runs = {0, {0}, {0}};
  for (int lane = 0; lane < lanes; lane++) {
    if (!(bits >> lane & 1)) continue;
    if (lane > 0 && (bits >> (lane - 1) & 1) && offset[lane] == offset[lane - 1] + 1) {
      runs.mask[runs.count - 1] |= 1u << lane;
      continue;
    }
    if (runs.count == GEMM_MAX_RUNS) {
      runs.count = 0;
      return runs;
    }
    runs.mask[runs.count] = 1u << lane;
    runs.origin[runs.count] = (ptrdiff_t)offset[lane] - lane;
    runs.count++;
  }
  return runs;
}

gemm_convolution gemm_window_view(const gemm_convolution *s) {
  gemm_convolution view = *s;
  if (s->depth != NULL) {
    view.input = s->depth;
    view.channels = s->channels * s->stride * s->stride;
    view.height = s->depth_height;
    view.width = s->depth_width;
    view.stride = 1;
    view.depth = NULL;
  }
  return view;
}

void gemm_space_to_depth_row_generic(const float *row, int width, int q, float *first, ptrdiff_t depth_plane) {
  for (int rx = 0; rx < q; rx++) {
    float *column = first + rx * depth_plane;
    for (int x = rx, xq = 0; x < width; x += q, xq++) column[xq] = row[x];
  }
}

void gemm_space_to_depth(const gemm_convolution *s, gemm_depth_row_copier copy_row, float *to) {
  const int q = s->stride;
  const ptrdiff_t depth_plane = (ptrdiff_t)s->depth_height * s->depth_width;
  for (ptrdiff_t image = 0; image < (ptrdiff_t)s->batch * s->channels; image++) {
    for (int y = 0; y < s->height; y++) {
      const float *row = s->input + (image * s->height + y) * s->width;
      float *first = to + (image * q + y % q) * q * depth_plane + (ptrdiff_t)(y / q) * s->depth_width;
      copy_row(row, s->width, q, first, depth_plane);
    }
  }
}

void gemm_tap_offsets(const gemm_convolution *s, int k0, int kc, int *offsets) {
  const int taps = s->kernel_height * s->kernel_width;
  int c = k0 / taps, ky = k0 % taps / s->kernel_width, kx = k0 % s->kernel_width;
  const int q = s->stride;
  for (int p = 0; p < kc; p++) {
    if (s->depth == NULL) {
      offsets[p] = (c * s->height + ky) * s->width + kx;
    } else {
      const int channel = (c * q + ky % q) * q + kx % q;
      offsets[p] = (channel * s->depth_height + ky / q) * s->depth_width + kx / q;
    }
    if (++kx == s->kernel_width) {
      kx = 0;
      if (++ky == s->kernel_height) { ky = 0; c++; }
    }
  }
}

// Where a window of the im2col matrix starts: its sample's image and its top-left corner (row and
// column may be negative with padding). Positions are visited in order, so `next` steps to the
// following window without divisions.
typedef struct {
  int n, oy, ox;
} window_position;

static inline window_position window_at(const gemm_convolution *s, int position) {
  const int plane = s->output_height * s->output_width;
  const window_position w = {position / plane, position % plane / s->output_width, position % s->output_width};
  return w;
}

static inline void next_window(const gemm_convolution *s, window_position *w) {
  if (++w->ox == s->output_width) {
    w->ox = 0;
    if (++w->oy == s->output_height) { w->oy = 0; w->n++; }
  }
}

// A tap of the kernel: channel and kernel row and column, visited in order the same way.
typedef struct {
  int c, ky, kx;
} kernel_tap;

static inline kernel_tap tap_at(const gemm_convolution *s, int index) {
  const int taps = s->kernel_height * s->kernel_width;
  const kernel_tap t = {index / taps, index % taps / s->kernel_width, index % s->kernel_width};
  return t;
}

static inline void next_tap(const gemm_convolution *s, kernel_tap *t) {
  if (++t->kx == s->kernel_width) {
    t->kx = 0;
    if (++t->ky == s->kernel_height) { t->ky = 0; t->c++; }
  }
}

// The input value of tap `t` of window `w`, or 0 in the padding.
static inline float tap_value(const gemm_convolution *s, window_position w, kernel_tap t) {
  const int y = w.oy * s->stride - s->padding + t.ky, x = w.ox * s->stride - s->padding + t.kx;
  if (y < 0 || y >= s->height || x < 0 || x >= s->width) return 0.0f;
  return s->input[(((ptrdiff_t)w.n * s->channels + t.c) * s->height + y) * s->width + x];
}

void gemm_pack_convolution_generic(const gemm_convolution *s, int k0, int kc, int j0, int nc, int nr,
                                   float *restrict dst) {
  window_position w = window_at(s, j0);
  for (int t = 0; t < nc; t += nr) {
    float *sliver = dst + (ptrdiff_t)t * kc;
    for (int j = 0; j < nr; j++) {
      if (t + j >= nc) {
        for (int p = 0; p < kc; p++) sliver[p * nr + j] = 0;
        continue;
      }
      kernel_tap tap = tap_at(s, k0);
      for (int p = 0; p < kc; p++) {
        sliver[p * nr + j] = tap_value(s, w, tap);
        next_tap(s, &tap);
      }
      next_window(s, &w);
    }
  }
}

void gemm_pack_convolution_transposed_generic(const gemm_convolution *s, int k0, int kc, int j0,
                                              int nc, int nr, float *restrict dst) {
  const kernel_tap first = tap_at(s, j0);
  for (int t = 0; t < nc; t += nr) {
    float *sliver = dst + (ptrdiff_t)t * kc;
    window_position w = window_at(s, k0);
    kernel_tap start = first;
    for (int skip = 0; skip < t; skip++) next_tap(s, &start);
    for (int p = 0; p < kc; p++) {
      kernel_tap tap = start;
      for (int j = 0; j < nr; j++) {
        if (t + j >= nc) {
          sliver[p * nr + j] = 0;
          continue;
        }
        sliver[p * nr + j] = tap_value(s, w, tap);
        next_tap(s, &tap);
      }
      next_window(s, &w);
    }
  }
}
