// im2col and col2im in the transposed layout Conv2D uses: the column matrix is
// [C·kH·kW, N·outH·outW], one row per kernel tap (c, ky, kx), each row holding sample n's
// outH·outW window values at offset n·outH·outW.
//
// Both are memory-bound copies whose cost, for the small planes of DQN networks (rows of 7 to 20
// floats), is mostly loop overhead. Two identities remove most of it:
//  - tap (ky, kx) at output row oy reads image row oy·s − p + ky, which tap (ky − s, kx) reads at
//    output row oy + 1: so for ky ≥ s a tap's rows are the rows of tap (ky − s, kx) moved up by one
//    output row — one contiguous copy of (outH − 1)·outW floats plus the last row;
//  - likewise, for kx ≥ s, a tap's output row is the row of tap (kx − s) shifted by one column,
//    which replaces a strided gather by a contiguous copy.
// col2im uses the first identity backwards: the rows of tap (ky, kx) are added into tap
// (ky − s, kx) one output row down (a contiguous vector add), leaving one row to scatter.
// Out-of-image taps (padding) are zeros in both taps, so the identities hold with padding too.
#include "CKernels.h"
#include <string.h>

typedef struct {
  int batch, channels, height, width, kernel_height, kernel_width, stride, padding;
  int output_height, output_width;
} geometry;

static geometry make_geometry(int batch, int channels, int height, int width, int kernel_height,
                              int kernel_width, int stride, int padding) {
  geometry g = {batch, channels, height, width, kernel_height, kernel_width, stride, padding, 0, 0};
  g.output_height = (height + 2 * padding - kernel_height) / stride + 1;
  g.output_width = (width + 2 * padding - kernel_width) / stride + 1;
  return g;
}

// Output columns [first, last) whose tap x = ox·s + offset lies inside [0, width).
static void column_range(const geometry *g, int offset, int *first, int *last) {
  *first = offset >= 0 ? 0 : (-offset + g->stride - 1) / g->stride;
  int reach = g->width - 1 - offset;  // largest ox·s that stays inside
  int end = reach < 0 ? 0 : reach / g->stride + 1;
  *last = end < g->output_width ? end : g->output_width;
}

static inline void fill_zero(float *destination, int count) {
  for (int i = 0; i < count; i++) destination[i] = 0.0f;
}

static inline void copy_floats(float *restrict destination, const float *restrict source,
                               ptrdiff_t count) {
  for (ptrdiff_t i = 0; i < count; i++) destination[i] = source[i];
}

// destination[i] = source[i·stride], with the common strides as constants so they vectorise.
static inline void gather(float *restrict destination, const float *restrict source, int count,
                          int stride) {
  switch (stride) {
  case 1:
    for (int i = 0; i < count; i++) destination[i] = source[i];
    break;
  case 2:
    for (int i = 0; i < count; i++) destination[i] = source[2 * i];
    break;
  case 4:
    for (int i = 0; i < count; i++) destination[i] = source[4 * i];
    break;
  default:
    for (int i = 0; i < count; i++) destination[i] = source[i * stride];
  }
}

// The kH·kW tap rows of one channel of one image, each `out_h·out_w` floats, tap t at
// taps + t·pitch.
static void unfold_channel(const float *restrict plane, float *restrict taps, ptrdiff_t pitch,
                           const geometry *g) {
  const int out_h = g->output_height, out_w = g->output_width, stride = g->stride;
  const ptrdiff_t segment = (ptrdiff_t)out_h * out_w;
  for (int ky = 0; ky < g->kernel_height; ky++) {
    for (int kx = 0; kx < g->kernel_width; kx++) {
      float *row = taps + (ptrdiff_t)(ky * g->kernel_width + kx) * pitch;
      int first_row = 0;
      if (ky >= stride) {
        const float *above = row - (ptrdiff_t)stride * g->kernel_width * pitch;
        copy_floats(row, above + out_w, segment - out_w);
        first_row = out_h - 1;
      }
      const int offset = kx - g->padding;
      int first, last;
      column_range(g, offset, &first, &last);
      for (int oy = first_row; oy < out_h; oy++) {
        float *destination = row + (ptrdiff_t)oy * out_w;
        const int y = oy * stride - g->padding + ky;
        if (y < 0 || y >= g->height || first >= last) {
          fill_zero(destination, out_w);
          continue;
        }
        const float *line = plane + (ptrdiff_t)y * g->width + offset;
        if (stride > 1 && kx >= stride) {
          // Tap kx − s's row, one window to the left.
          const float *left = destination - (ptrdiff_t)stride * pitch;
          copy_floats(destination, left + 1, out_w - 1);
          destination[out_w - 1] = last == out_w ? line[(out_w - 1) * stride] : 0.0f;
          continue;
        }
        fill_zero(destination, first);
        gather(destination + first, line + (ptrdiff_t)first * stride, last - first, stride);
        fill_zero(destination + last, out_w - last);
      }
    }
  }
}

void ckernels_im2col_transposed(const float *input, float *columns, int batch, int channels,
                                int height, int width, int kernel_height, int kernel_width,
                                int stride, int padding) {
  const geometry g = make_geometry(batch, channels, height, width, kernel_height, kernel_width,
                                   stride, padding);
  const ptrdiff_t segment = (ptrdiff_t)g.output_height * g.output_width;
  const ptrdiff_t row_length = (ptrdiff_t)batch * segment;
  const ptrdiff_t plane_size = (ptrdiff_t)height * width;
  const ptrdiff_t taps = (ptrdiff_t)kernel_height * kernel_width;
  // Sample by sample, so one image stays in cache while its taps are copied out. (Tried and
  // dropped: non-temporal stores for large matrices — the GEMM that reads the columns next then
  // misses the last-level cache, costing more than the stores save.)
  for (int n = 0; n < batch; n++) {
    for (int c = 0; c < channels; c++) {
      unfold_channel(input + ((ptrdiff_t)n * channels + c) * plane_size,
                     columns + c * taps * row_length + n * segment, row_length, &g);
    }
  }
}

void ckernels_col2im_transposed(float *columns, float *output, int batch, int channels,
                                int height, int width, int kernel_height, int kernel_width,
                                int stride, int padding) {
  const geometry g = make_geometry(batch, channels, height, width, kernel_height, kernel_width,
                                   stride, padding);
  const int out_h = g.output_height, out_w = g.output_width;
  const ptrdiff_t segment = (ptrdiff_t)out_h * out_w;
  const ptrdiff_t row_length = (ptrdiff_t)batch * segment;
  const ptrdiff_t plane_size = (ptrdiff_t)height * width;
  memset(output, 0, sizeof(float) * (size_t)batch * channels * plane_size);
  for (int n = 0; n < batch; n++) {
    float *image = output + (ptrdiff_t)n * channels * plane_size;
    for (int c = 0; c < channels; c++) {
      float *plane = image + c * plane_size;
      // Bottom taps first: each hands all but its last output row to the tap s rows above.
      for (int ky = kernel_height - 1; ky >= 0; ky--) {
        for (int kx = 0; kx < kernel_width; kx++) {
          float *row =
              columns + ((ptrdiff_t)(c * kernel_height + ky) * kernel_width + kx) * row_length +
              n * segment;
          int first_row = 0;
          if (ky >= stride) {
            float *above = row - (ptrdiff_t)stride * kernel_width * row_length + out_w;
            for (ptrdiff_t i = 0; i < segment - out_w; i++) above[i] += row[i];
            first_row = out_h - 1;
          }
          const int offset = kx - padding;
          int first, last;
          column_range(&g, offset, &first, &last);
          if (first >= last) continue;
          for (int oy = first_row; oy < out_h; oy++) {
            const int y = oy * stride - padding + ky;
            if (y < 0 || y >= height) continue;
            const float *from = row + (ptrdiff_t)oy * out_w;
            float *line = plane + (ptrdiff_t)y * width + offset;
            for (int ox = first; ox < last; ox++) line[ox * stride] += from[ox];
          }
        }
      }
    }
  }
}
