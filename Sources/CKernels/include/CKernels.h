#ifndef CKERNELS_H
#define CKERNELS_H
#include <stddef.h>

/// The vector instruction sets the kernels are built for, narrowest first.
enum {
  /// Plain C, whatever the compiler makes of it for the baseline x86-64 (or another architecture).
  CKERNELS_GENERIC = 0,
  /// AVX2 with FMA (Haswell and later, Zen).
  CKERNELS_AVX2 = 1,
  /// AVX-512 F, BW, VL and DQ (Skylake-SP and later, Zen 4).
  CKERNELS_AVX512 = 2,
};

/// The widest of the levels above this processor (and its operating system) supports.
int ckernels_instruction_level(void);

/// Adam's moment updates and step over n elements; moments below 1e-30 in magnitude become 0
/// (see Kernels.momentFloor in NeuralNetwork). Uses AVX2 when the processor has it.
void ckernels_adam(const float *gradient, float *value, float *first, float *second, size_t n,
                   float beta1, float beta2, float step_size, float inverse_root_correction,
                   float epsilon);

/// RMSProp's (optionally centered) update over n elements, with the same flushing.
void ckernels_rmsprop(const float *gradient, float *value, float *square_average,
                      float *gradient_average, size_t n, float learning_rate, float decay,
                      float epsilon, int centered);

/// Unfolds an [N, C, H, W] batch into the transposed column matrix [C·kH·kW, N·outH·outW]
/// (taps outside the image are 0). See Im2Col.c.
void ckernels_im2col_transposed(const float *input, float *columns, int batch, int channels,
                                int height, int width, int kernel_height, int kernel_width,
                                int stride, int padding);

/// Folds a transposed column matrix back into [N, C, H, W] (overwritten), summing overlapping
/// taps. Uses `columns` as scratch: its contents are destroyed.
void ckernels_col2im_transposed(float *columns, float *output, int batch, int channels,
                                int height, int width, int kernel_height, int kernel_width,
                                int stride, int padding);
#endif
