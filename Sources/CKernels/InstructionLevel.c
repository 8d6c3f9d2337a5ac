// The widest vector instruction set the kernels may use on this processor, detected once.
// CKERNELS_MAX_LEVEL=generic|avx2|avx512 in the environment caps it (to measure or test the
// narrower kernels on a wider processor); it never raises it.
#include "CKernels.h"
#include <stdlib.h>
#include <string.h>

static int detect(void) {
  int level = CKERNELS_GENERIC;
#if defined(__x86_64__) && defined(__clang__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) level = CKERNELS_AVX2;
  if (level == CKERNELS_AVX2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
    level = CKERNELS_AVX512;
#endif
  return level;
}

int ckernels_instruction_level(void) {
  static int cached = -1;
  if (cached < 0) {
    int level = detect();
    const char *cap = getenv("CKERNELS_MAX_LEVEL");
    if (cap != NULL) {
      const int most = strcmp(cap, "generic") == 0 ? CKERNELS_GENERIC : strcmp(cap, "avx2") == 0 ? CKERNELS_AVX2 : level;
      if (most < level) level = most;
    }
    cached = level;
  }
  return cached;
}
