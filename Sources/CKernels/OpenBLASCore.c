// Picks the right OpenBLAS kernels on processors OpenBLAS does not recognise.
//
// OpenBLAS built with DYNAMIC_ARCH (Debian 12 ships 0.3.21) chooses its kernels from the processor's
// family and model number; a model it does not know (Sapphire and Emerald Rapids, recent Core
// generations) falls back to the Prescott kernels, which use SSE3 only: every matrix product then
// runs at a quarter of the speed of the AVX-512 kernels (OpenMathLib/OpenBLAS#4267, fixed in 0.3.25
// by choosing from the instruction sets instead). This constructor repeats OpenBLAS's choice with
// OPENBLAS_CORETYPE set from the instruction sets, once, before main and before any BLAS call
// (OpenBLAS's own constructor runs first: a shared library is initialised before the program that
// needs it). It changes nothing when OpenBLAS recognised the processor, when OPENBLAS_CORETYPE is
// already set (the user's choice wins), or when the OpenBLAS in the process has no DYNAMIC_ARCH
// entry points (they are looked up at run time, so any BLAS links).
#define _GNU_SOURCE
#include "CKernels.h"
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

// The best OpenBLAS core this processor can run, or NULL when Prescott may be right.
static const char *core_for_instruction_sets(void) {
  switch (ckernels_instruction_level()) {
  case CKERNELS_AVX512: return "SkylakeX";
  case CKERNELS_AVX2: return "Haswell";
  default: return NULL;
  }
}

__attribute__((constructor)) static void choose_openblas_core(void) {
  if (getenv("OPENBLAS_CORETYPE") != NULL) return;
  char *(*corename)(void) = (char *(*)(void))dlsym(RTLD_DEFAULT, "openblas_get_corename");
  void (*dynamic_init)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "gotoblas_dynamic_init");
  void (*dynamic_quit)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "gotoblas_dynamic_quit");
  if (corename == NULL || dynamic_init == NULL || dynamic_quit == NULL) return;
  const char *current = corename();
  if (current == NULL || strcmp(current, "Prescott") != 0) return;
  const char *better = core_for_instruction_sets();
  if (better == NULL) return;
  setenv("OPENBLAS_CORETYPE", better, 1);
  dynamic_quit();
  dynamic_init();
  unsetenv("OPENBLAS_CORETYPE");
}
