// Open MPI for Swift: MPI_COMM_WORLD, MPI_BYTE and the status fields are macros or structs Swift
// cannot use directly, so the few calls dqn makes are wrapped here. Every call works on
// MPI_COMM_WORLD with MPI_BYTE buffers; error codes are returned (MPI_ERRORS_RETURN is set).
#include <mpi.h>
#include <stdlib.h>

static inline int cmpi_init(void) {
  int provided = 0;
  int rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
  if (rc == MPI_SUCCESS) MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  return rc;
}
static inline int cmpi_finalize(void) { return MPI_Finalize(); }
static inline void cmpi_abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }
static inline int cmpi_rank(void) { int rank = -1; MPI_Comm_rank(MPI_COMM_WORLD, &rank); return rank; }
static inline int cmpi_size(void) { int size = 0; MPI_Comm_size(MPI_COMM_WORLD, &size); return size; }
static inline int cmpi_success(void) { return MPI_SUCCESS; }

/// Whether a message from `source` (-1: any) with `tag` (-1: any) waits; fills its source, tag
/// and size in bytes.
static inline int cmpi_iprobe(int source, int tag, int *found, int *from, int *withTag, int *bytes) {
  MPI_Status status;
  int rc = MPI_Iprobe(source < 0 ? MPI_ANY_SOURCE : source, tag < 0 ? MPI_ANY_TAG : tag, MPI_COMM_WORLD, found, &status);
  if (rc == MPI_SUCCESS && *found) {
    *from = status.MPI_SOURCE;
    *withTag = status.MPI_TAG;
    MPI_Get_count(&status, MPI_BYTE, bytes);
  }
  return rc;
}
static inline int cmpi_recv(void *buffer, int bytes, int source, int tag) {
  return MPI_Recv(buffer, bytes, MPI_BYTE, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}
/// A synchronous send: returns once the receiver has started receiving (back-pressure).
static inline int cmpi_ssend(const void *buffer, int bytes, int destination, int tag) {
  return MPI_Ssend(buffer, bytes, MPI_BYTE, destination, tag, MPI_COMM_WORLD);
}
static inline int cmpi_send(const void *buffer, int bytes, int destination, int tag) {
  return MPI_Send(buffer, bytes, MPI_BYTE, destination, tag, MPI_COMM_WORLD);
}

/// A non-blocking send's request, held in C memory.
static inline void *cmpi_request_new(void) {
  MPI_Request *request = malloc(sizeof(MPI_Request));
  *request = MPI_REQUEST_NULL;
  return request;
}
static inline void cmpi_request_free(void *request) { free(request); }
static inline int cmpi_isend(const void *buffer, int bytes, int destination, int tag, void *request) {
  return MPI_Isend(buffer, bytes, MPI_BYTE, destination, tag, MPI_COMM_WORLD, (MPI_Request *)request);
}
/// 1 when the request is done (or was never started).
static inline int cmpi_test(void *request) {
  int done = 0;
  if (*(MPI_Request *)request == MPI_REQUEST_NULL) return 1;
  MPI_Test((MPI_Request *)request, &done, MPI_STATUS_IGNORE);
  return done;
}
static inline int cmpi_wait(void *request) { return MPI_Wait((MPI_Request *)request, MPI_STATUS_IGNORE); }
static inline void cmpi_error_string(int code, char *text, int capacity) {
  int length = 0;
  if (capacity < MPI_MAX_ERROR_STRING) { text[0] = 0; return; }
  MPI_Error_string(code, text, &length);
}
static inline int cmpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }
