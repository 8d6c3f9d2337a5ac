// The threads the matrix products split their columns over: the caller plus `count − 1` workers,
// started on the first parallel loop and kept. Workers spin briefly for the next loop (products
// come in quick succession during a training step), then sleep on a condition variable. Every
// worker checks in after each loop before the loop returns, so no worker is still claiming parts
// of one loop when the next is set up.
//
// Which thread runs which part never changes a result: each part writes its own columns of C, each
// computed the same way on any thread. A loop that starts while another thread's loop holds the
// pool runs on its caller alone (the same results, just serially).
#include "CKernels.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>

#define MAX_THREADS 64
#define SPINS 20000

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;  // held by the loop using the pool
static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static atomic_int requested = 1;  // ckernels_set_threads
static int started = 0;           // workers running (under pool_lock)

static void (*task)(void *, int);
static void *task_context;
static int task_count;
static atomic_int next_index;
static atomic_int finished;
static atomic_int checked_in;
static atomic_uint generation;

static void run_parts(void) {
  for (int index; (index = atomic_fetch_add(&next_index, 1)) < task_count;) {
    task(task_context, index);
    atomic_fetch_add_explicit(&finished, 1, memory_order_release);
  }
}

// `start` is the generation when the worker was created: it joins the next one.
static void *worker(void *start) {
  unsigned seen = (unsigned)(uintptr_t)start;
  for (;;) {
    int spins = 0;
    while (atomic_load_explicit(&generation, memory_order_acquire) == seen) {
      if (++spins < SPINS) continue;
      pthread_mutex_lock(&wake_lock);
      while (atomic_load_explicit(&generation, memory_order_acquire) == seen) pthread_cond_wait(&wake, &wake_lock);
      pthread_mutex_unlock(&wake_lock);
    }
    seen = atomic_load(&generation);
    run_parts();
    atomic_fetch_add_explicit(&checked_in, 1, memory_order_release);
  }
  return NULL;
}

void ckernels_set_threads(int count) {
  atomic_store(&requested, count < 1 ? 1 : count > MAX_THREADS ? MAX_THREADS : count);
}

int ckernels_threads(void) { return atomic_load(&requested); }

void ckernels_parallel_for(int count, void (*body)(void *, int), void *context) {
  const int threads = ckernels_threads();
  if (count <= 1 || threads <= 1 || pthread_mutex_trylock(&pool_lock) != 0) {
    for (int index = 0; index < count; index++) body(context, index);
    return;
  }
  while (started < threads - 1) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, worker, (void *)(uintptr_t)atomic_load(&generation)) != 0) break;
    pthread_detach(thread);
    started++;
  }
  task = body;
  task_context = context;
  task_count = count;
  atomic_store(&finished, 0);
  atomic_store(&checked_in, 0);
  atomic_store(&next_index, 0);
  pthread_mutex_lock(&wake_lock);
  atomic_fetch_add_explicit(&generation, 1, memory_order_release);
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&wake_lock);
  run_parts();
  while (atomic_load_explicit(&finished, memory_order_acquire) < count ||
         atomic_load_explicit(&checked_in, memory_order_acquire) < started)
    sched_yield();
  pthread_mutex_unlock(&pool_lock);
}
