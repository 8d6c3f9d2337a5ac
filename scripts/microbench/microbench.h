// What the microbenchmarks share: a monotonic clock in seconds.
#ifndef MICROBENCH_H
#define MICROBENCH_H
#include <time.h>

static inline double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}
#endif
