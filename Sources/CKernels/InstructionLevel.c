// The widest vector instruction set the kernels may use on this processor, detected once.
#include "CKernels.h"

int ckernels_instruction_level(void) {
  static int cached = -1;
  if (cached < 0) {
    int level = CKERNELS_GENERIC;
#if defined(__x86_64__) && defined(__clang__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) level = CKERNELS_AVX2;
    if (level == CKERNELS_AVX2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
      level = CKERNELS_AVX512;
#endif
    cached = level;
  }
  return cached;
}
