#ifndef CSHIMS_H
#define CSHIMS_H
#include <stdio.h>
#include <signal.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/// Line-buffers stdout so progress survives a pipe or a crash (Swift 6 cannot touch `stdout` directly).
static inline void cshims_line_buffer_stdout(void) { setvbuf(stdout, NULL, _IOLBF, 0); }
static inline void cshims_flush_stdout(void) { fflush(stdout); }
static inline void cshims_write_stderr(const char *text) { fputs(text, stderr); fflush(stderr); }
static inline void cshims_write_stdout(const char *text) { fputs(text, stdout); fflush(stdout); }

static volatile sig_atomic_t cshims_interrupt_flag = 0;
static const char *volatile cshims_interrupt_message = NULL;
/// On the first signal, writes the message set by `cshims_set_interrupt_message` (if any) to
/// stderr at once, with write(2): a launcher that follows SIGTERM with SIGKILL (mpirun does, a
/// second or so later) may not leave time for the checkpoint and the message after it.
static void cshims_on_interrupt(int signal_number) {
  (void)signal_number;
  const char *message = cshims_interrupt_message;
  if (!cshims_interrupt_flag && message != NULL) {
    size_t length = strlen(message);
    while (length > 0) {
      ssize_t written = write(2, message, length);
      if (written <= 0) break;
      message += written;
      length -= (size_t)written;
    }
  }
  cshims_interrupt_flag = 1;
}
/// Sets the message the interrupt handler writes on the first signal (copied; the previous copy
/// is kept, as a handler may be reading it).
static inline void cshims_set_interrupt_message(const char *text) { cshims_interrupt_message = strdup(text); }
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
