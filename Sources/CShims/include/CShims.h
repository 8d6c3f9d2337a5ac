#ifndef CSHIMS_H
#define CSHIMS_H
#include <stdio.h>
#include <signal.h>
#include <pthread.h>

/// Line-buffers stdout so progress survives a pipe or a crash (Swift 6 cannot touch `stdout` directly).
static inline void cshims_line_buffer_stdout(void) { setvbuf(stdout, NULL, _IOLBF, 0); }
static inline void cshims_flush_stdout(void) { fflush(stdout); }
static inline void cshims_write_stderr(const char *text) { fputs(text, stderr); fflush(stderr); }
static inline void cshims_write_stdout(const char *text) { fputs(text, stdout); fflush(stdout); }

static volatile sig_atomic_t cshims_interrupt_flag = 0;
static void cshims_on_interrupt(int signal_number) { (void)signal_number; cshims_interrupt_flag = 1; }
/// Installs a SIGINT/SIGTERM handler that only sets a flag, so a loop can checkpoint and exit cleanly.
/// The signals are also unblocked: a process started with them blocked (some launchers and test
/// harnesses pass their signal mask on) would otherwise never see Ctrl-C.
static inline void cshims_install_interrupt_handler(void) {
  cshims_interrupt_flag = 0;
  signal(SIGINT, cshims_on_interrupt);
  signal(SIGTERM, cshims_on_interrupt);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_UNBLOCK, &signals, NULL);
}
static inline int cshims_interrupted(void) { return cshims_interrupt_flag != 0; }
static inline void cshims_reset_interrupt(void) { cshims_interrupt_flag = 0; }
#endif
