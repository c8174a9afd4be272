#pragma once
// opensslexit: keeps OpenSSL from tearing itself down while threads still finish.

namespace livepix::gui {

/// Tells OpenSSL (libcrypto, loaded here if it is not yet) not to register
/// its atexit() cleanup. Call it first thing in main, before any library
/// initialises OpenSSL (Python's hashlib, OpenImageIO's dependencies do,
/// later, on other threads).
///
/// Why: a thread that used OpenSSL runs OpenSSL's thread-local destructor
/// when it ends, and QThread::wait() returns before that destructor has run.
/// If main returns meanwhile, exit() runs OPENSSL_cleanup() concurrently
/// with it, and the process dies in libcrypto (SIGSEGV, or glibc's
/// "malloc_consolidate(): invalid chunk size"): about 1 run in 60 of
/// `livepix FILE --script missing.py --screenshot OUT` under load. The
/// memory OpenSSL keeps goes with the process anyway.
///
/// Does nothing when libcrypto 3 is not installed. GUI thread, once.
void disableOpenSslExitCleanup();

} // namespace livepix::gui
