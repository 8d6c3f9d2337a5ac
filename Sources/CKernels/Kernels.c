// Optimizer kernels in C: clang vectorises these loops well, and an AVX2 build of each is picked
// at run time when the processor supports it (8 lanes for the divisions and square roots that
// dominate Adam). The arithmetic is the same expression in both builds. With ckernels_threads()
// above 1, a large tensor's elements are split over the threads (each element's update is the same
// whoever computes it, so the bits are too).
#include "CKernels.h"
#include <math.h>
#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>
#endif

void ckernels_prefetch(const void *address, size_t bytes) {
  const char *bytes_at = address;
  for (size_t offset = 0; offset < bytes; offset += 64) __builtin_prefetch(bytes_at + offset);
  if (bytes > 0) __builtin_prefetch(bytes_at + bytes - 1);  // the last line, where the start is not aligned
}

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

static void adam_serial(const float *gradient, float *value, float *first, float *second, size_t n,
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

static void rmsprop_serial(const float *gradient, float *value, float *square_average,
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

// Tensors below this many elements stay on one thread (a thread's start costs a few microseconds;
// MinAtar's first dense layer has 131,072 weights, its others at most 2,048).
#define PARALLEL_ELEMENTS (1 << 15)
#define PARTS_PER_THREAD 2

typedef struct {
  const float *gradient;
  float *value, *first, *second;
  size_t n, part;
  float beta1, beta2, step_size, inverse_root_correction, epsilon, learning_rate, decay;
  int centered, adam;
} optimizer_job;

static void optimizer_part(void *context, int index) {
  const optimizer_job *job = context;
  const size_t start = (size_t)index * job->part;
  const size_t count = job->n - start < job->part ? job->n - start : job->part;
  if (job->adam)
    adam_serial(job->gradient + start, job->value + start, job->first + start, job->second + start, count, job->beta1,
                job->beta2, job->step_size, job->inverse_root_correction, job->epsilon);
  else
    rmsprop_serial(job->gradient + start, job->value + start, job->first + start,
                   job->centered ? job->second + start : job->second, count, job->learning_rate, job->decay,
                   job->epsilon, job->centered);
}

// The parts of n elements for the threads, in multiples of 16 floats (whole vectors and cache
// lines), or 0 to stay on the calling thread.
static size_t part_size(size_t n) {
  const int threads = ckernels_threads();
  if (threads <= 1 || n < PARALLEL_ELEMENTS) return 0;
  const size_t parts = (size_t)threads * PARTS_PER_THREAD;
  return ((n + parts - 1) / parts + 15) & ~(size_t)15;
}

void ckernels_adam(const float *gradient, float *value, float *first, float *second, size_t n,
                   float beta1, float beta2, float step_size, float inverse_root_correction,
                   float epsilon) {
  const size_t part = part_size(n);
  if (part == 0) {
    adam_serial(gradient, value, first, second, n, beta1, beta2, step_size, inverse_root_correction, epsilon);
    return;
  }
  optimizer_job job = {gradient, value, first, second, n, part, beta1, beta2, step_size,
                       inverse_root_correction, epsilon, 0, 0, 0, 1};
  ckernels_parallel_for((int)((n + part - 1) / part), optimizer_part, &job);
}

void ckernels_rmsprop(const float *gradient, float *value, float *square_average,
                      float *gradient_average, size_t n, float learning_rate, float decay,
                      float epsilon, int centered) {
  const size_t part = part_size(n);
  if (part == 0) {
    rmsprop_serial(gradient, value, square_average, gradient_average, n, learning_rate, decay, epsilon, centered);
    return;
  }
  optimizer_job job = {gradient, value, square_average, gradient_average, n, part, 0, 0, 0, 0, epsilon,
                       learning_rate, decay, centered, 0};
  ckernels_parallel_for((int)((n + part - 1) / part), optimizer_part, &job);
}

// A convolution's output from its product: to[n][f][p] = from[f][n][p] + bias[f], then, with
// relu, 0 where that is ≤ 0 as Swift's max(x, 0) (0 >= x ? 0 : x: -0 becomes 0, NaN stays).
// `from` may be `to` when batch is 1: then a loop of its own, as the compiler would otherwise check
// for the overlap and take its scalar loop. Only additions and comparisons: every build gives the
// same bits.
#define BIAS_LOOP(source, target)                                                          \
  if (relu)                                                                                \
    for (size_t p = 0; p < plane; p++) {                                                   \
      const float v = source[p] + b;                                                       \
      target[p] = 0.0f >= v ? 0.0f : v;                                                    \
    }                                                                                      \
  else                                                                                     \
    for (size_t p = 0; p < plane; p++) target[p] = source[p] + b;

#define BIAS_BODY                                                                          \
  if (from == to && batch == 1) {                                                          \
    for (size_t f = 0; f < filters; f++) {                                                 \
      float *row = to + f * plane;                                                         \
      const float b = bias[f];                                                             \
      BIAS_LOOP(row, row)                                                                  \
    }                                                                                      \
    return;                                                                                \
  }                                                                                        \
  for (size_t n = 0; n < batch; n++)                                                       \
    for (size_t f = 0; f < filters; f++) {                                                 \
      const float *restrict source = from + (f * batch + n) * plane;                       \
      float *restrict target = to + (n * filters + f) * plane;                             \
      const float b = bias[f];                                                             \
      BIAS_LOOP(source, target)                                                            \
    }

#if defined(__x86_64__) && defined(__clang__)
__attribute__((target("avx512f,avx512vl"))) static void add_bias_avx512(
    const float *from, float *to, size_t filters, size_t batch, size_t plane, const float *bias, int relu) {
  BIAS_BODY
}

__attribute__((target("avx2"))) static void add_bias_avx2(
    const float *from, float *to, size_t filters, size_t batch, size_t plane, const float *bias, int relu) {
  BIAS_BODY
}
#endif

static void add_bias_generic(const float *from, float *to, size_t filters, size_t batch, size_t plane,
                             const float *bias, int relu) {
  BIAS_BODY
}

void ckernels_add_bias_by_sample(const float *from, float *to, size_t filters, size_t batch, size_t plane,
                                 const float *bias, int relu) {
#if defined(__x86_64__) && defined(__clang__)
  if (ckernels_instruction_level() >= CKERNELS_AVX512) {
    add_bias_avx512(from, to, filters, batch, plane, bias, relu);
    return;
  }
  if (has_avx2()) {
    add_bias_avx2(from, to, filters, batch, plane, bias, relu);
    return;
  }
#endif
  add_bias_generic(from, to, filters, batch, plane, bias, relu);
}

// A convolution's output gradient [N, F, P] as rows [F, N, P], masked by the ReLU's output where
// `mask` is not NULL (0 where mask ≤ 0, NaN included), each filter's sum added to bias_gradient[f].
// Each plane is summed as eight lane sums over whole groups of eight (from +0), those added in lane
// order from -0, then the rest one by one; a filter's planes are summed from +0 in sample order.
#define ROWS_GRADIENT_PLANES(PLANE_LANES)                                                  \
  for (size_t f = 0; f < filters; f++) {                                                   \
    float total = 0.0f;                                                                    \
    for (size_t n = 0; n < batch; n++) {                                                   \
      const float *restrict source = dy + (n * filters + f) * plane;                       \
      const float *restrict keep = mask != NULL ? mask + (n * filters + f) * plane : NULL; \
      float *restrict target = rows + (f * batch + n) * plane;                             \
      float lane[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};                    \
      const size_t whole = plane / 8 * 8;                                                  \
      PLANE_LANES                                                                          \
      float sum = -0.0f;                                                                   \
      for (int l = 0; l < 8; l++) sum += lane[l];                                          \
      for (size_t i = whole; i < plane; i++) {                                             \
        const float v = keep == NULL || keep[i] > 0.0f ? source[i] : 0.0f;                 \
        target[i] = v;                                                                     \
        sum += v;                                                                          \
      }                                                                                    \
      total += sum;                                                                        \
    }                                                                                      \
    bias_gradient[f] += total;                                                             \
  }

#if defined(__x86_64__) && defined(__clang__)
// Eight lanes at AVX-512 too: the sums' order is eight lanes wide.
__attribute__((target("avx2"))) static void rows_gradient_avx2(
    const float *dy, const float *mask, float *rows, float *bias_gradient, size_t filters, size_t batch, size_t plane) {
  ROWS_GRADIENT_PLANES({
    __m256 sums = _mm256_setzero_ps();
    for (size_t i = 0; i < whole; i += 8) {
      __m256 v = _mm256_loadu_ps(source + i);
      if (keep != NULL) v = _mm256_and_ps(v, _mm256_cmp_ps(_mm256_loadu_ps(keep + i), _mm256_setzero_ps(), _CMP_GT_OQ));
      _mm256_storeu_ps(target + i, v);
      sums = _mm256_add_ps(sums, v);
    }
    _mm256_storeu_ps(lane, sums);
  })
}
#endif

static void rows_gradient_generic(const float *dy, const float *mask, float *rows, float *bias_gradient,
                                  size_t filters, size_t batch, size_t plane) {
  ROWS_GRADIENT_PLANES({
    for (size_t i = 0; i < whole; i++) {
      const float v = keep == NULL || keep[i] > 0.0f ? source[i] : 0.0f;
      target[i] = v;
      lane[i % 8] += v;
    }
  })
}

void ckernels_convolution_rows_gradient(int level, const float *dy, const float *mask, float *rows,
                                        float *bias_gradient, size_t filters, size_t batch, size_t plane) {
#if defined(__x86_64__) && defined(__clang__)
  if (level >= CKERNELS_AVX2 && has_avx2()) {
    rows_gradient_avx2(dy, mask, rows, bias_gradient, filters, batch, plane);
    return;
  }
#endif
  rows_gradient_generic(dy, mask, rows, bias_gradient, filters, batch, plane);
}

typedef struct {
  float *to;
  const float *from;
  size_t n, part;
} add_job;

static void add_part(void *context, int index) {
  const add_job *job = context;
  const size_t start = (size_t)index * job->part;
  const size_t end = job->n - start < job->part ? job->n : start + job->part;
  for (size_t i = start; i < end; i++) job->to[i] += job->from[i];
}

void ckernels_add(float *to, const float *from, size_t n) {
  const size_t part = part_size(n);
  add_job job = {to, from, n, part == 0 ? n : part};
  if (part == 0) add_part(&job, 0);
  else ckernels_parallel_for((int)((n + part - 1) / part), add_part, &job);
}
