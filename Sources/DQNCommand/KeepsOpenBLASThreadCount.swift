/// A command that leaves OpenBLAS's thread count as `OPENBLAS_NUM_THREADS` (or OpenBLAS) set it,
/// instead of the one thread every other command runs with.
protocol KeepsOpenBLASThreadCount {}
