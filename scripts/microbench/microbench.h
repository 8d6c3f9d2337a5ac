// What the microbenchmarks share: a monotonic clock in seconds, the fastest of runs, uniform floats.
#ifndef MICROBENCH_H
#define MICROBENCH_H
#include <stdlib.h>
#include <time.h>

static inline double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}
// Runs `stmt` and keeps the fastest time in seconds in `var`.
#define BEST(var, stmt) { double t_ = now(); stmt; t_ = now() - t_; if (t_ < var) var = t_; }

// Uniform in [0, 1] from rand() (seeded as the benchmark leaves it).
static inline float uniform(void) { return rand() / (float)RAND_MAX; }
#endif
