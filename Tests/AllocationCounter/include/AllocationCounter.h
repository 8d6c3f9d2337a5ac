#ifndef ALLOCATION_COUNTER_H
#define ALLOCATION_COUNTER_H

/// Counts the heap allocations the calling thread makes between start and stop.
///
/// The test binary defines malloc, calloc, realloc, posix_memalign, aligned_alloc and memalign
/// (AllocationCounter.c), which the dynamic linker prefers to glibc's, so every allocation of the
/// Swift runtime and of the libraries goes through them; each forwards to glibc's own
/// (`__libc_malloc` and friends) and, while this thread is counting, adds one.
void allocation_counter_start(void);
/// Stops counting and returns how many allocations were made since `allocation_counter_start`.
long allocation_counter_stop(void);

#endif
