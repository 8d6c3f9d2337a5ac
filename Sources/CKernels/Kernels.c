// Optimizer kernels in C: clang vectorises these loops well, and an AVX2 build of each is picked
// at run time when the processor supports it (8 lanes for the divisions and square roots that
// dominate Adam). The arithmetic is the same expression in both builds.
#include "CKernels.h"
#include <math.h>

#define MOMENT_FLOOR 1e-30f

static inline float flush_tiny(float x) { return fabsf(x) < MOMENT_FLOOR ? 0.0f : x; }

#define ADAM_BODY                                                                          \
  for (size_t i = 0; i < n; i++) {                                                         \
    float g = gradient[i];                                                                 \
    float m = flush_tiny(beta1 * first[i] + (1.0f - beta1) * g);                           \
    float v = flush_tiny(beta2 * second[i] + (1.0f - beta2) * g * g);                      \
    first[i] = m;                                                                          \
    second[i] = v;                                                                         \
    value[i] -= step_size * m / (sqrtf(v) * inverse_root_correction + epsilon);            \
  }

#define RMSPROP_BODY                                                                       \
  for (size_t i = 0; i < n; i++) {                                                         \
    float g = gradient[i];                                                                 \
    float s = flush_tiny(decay * square_average[i] + (1.0f - decay) * g * g);              \
    square_average[i] = s;                                                                 \
    float denominator = s;                                                                 \
    if (centered) {                                                                        \
      float a = flush_tiny(decay * gradient_average[i] + (1.0f - decay) * g);              \
      gradient_average[i] = a;                                                             \
      denominator -= a * a;                                                                \
    }                                                                                      \
    denominator = denominator > 0.0f ? denominator : 0.0f;                                 \
    value[i] -= learning_rate * g / (sqrtf(denominator) + epsilon);                        \
  }

#if defined(__x86_64__) && defined(__clang__)
__attribute__((target("avx2"))) static void adam_avx2(
    const float *restrict gradient, float *restrict value, float *restrict first,
    float *restrict second, size_t n, float beta1, float beta2, float step_size,
    float inverse_root_correction, float epsilon) {
  ADAM_BODY
}

__attribute__((target("avx2"))) static void rmsprop_avx2(
    const float *restrict gradient, float *restrict value, float *restrict square_average,
    float *restrict gradient_average, size_t n, float learning_rate, float decay, float epsilon,
    int centered) {
  RMSPROP_BODY
}

static int has_avx2(void) {
  static int cached = -1;
  if (cached < 0) {
    __builtin_cpu_init();
    cached = __builtin_cpu_supports("avx2") ? 1 : 0;
  }
  return cached;
}
#endif

static void adam_generic(const float *restrict gradient, float *restrict value,
                         float *restrict first, float *restrict second, size_t n, float beta1,
                         float beta2, float step_size, float inverse_root_correction,
                         float epsilon) {
  ADAM_BODY
}

static void rmsprop_generic(const float *restrict gradient, float *restrict value,
                            float *restrict square_average, float *restrict gradient_average,
                            size_t n, float learning_rate, float decay, float epsilon,
                            int centered) {
  RMSPROP_BODY
}

void ckernels_adam(const float *gradient, float *value, float *first, float *second, size_t n,
                   float beta1, float beta2, float step_size, float inverse_root_correction,
                   float epsilon) {
#if defined(__x86_64__) && defined(__clang__)
  if (has_avx2()) {
    adam_avx2(gradient, value, first, second, n, beta1, beta2, step_size,
              inverse_root_correction, epsilon);
    return;
  }
#endif
  adam_generic(gradient, value, first, second, n, beta1, beta2, step_size,
               inverse_root_correction, epsilon);
}

void ckernels_rmsprop(const float *gradient, float *value, float *square_average,
                      float *gradient_average, size_t n, float learning_rate, float decay,
                      float epsilon, int centered) {
#if defined(__x86_64__) && defined(__clang__)
  if (has_avx2()) {
    rmsprop_avx2(gradient, value, square_average, gradient_average, n, learning_rate, decay,
                 epsilon, centered);
    return;
  }
#endif
  rmsprop_generic(gradient, value, square_average, gradient_average, n, learning_rate, decay,
                  epsilon, centered);
}
