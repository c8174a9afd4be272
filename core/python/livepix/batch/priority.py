"""Dask's threads yield to the files: a Dask preload, run in each worker's
event-loop thread when the worker starts. local_cluster() gives it to its
workers; workers started by hand take it with
`dask worker ... --preload livepix.batch.priority`.

On a machine whose every core is a worker, Dask's own work (heartbeats,
monitors, messages) takes its CPU time from the files. Giving Dask's threads
a lower priority than the thread that runs the files lets that work wait for
the moments a core is idle anyway (a file's fsync, a round trip to the
scheduler) instead of interrupting a file.
"""

import os
import sys
import threading

# Added to the nice value of Dask's threads (at most 19, the lowest priority).
BOOKKEEPING_NICE = 10


def lower_this_thread(offset=BOOKKEEPING_NICE):
    """Lowers the calling thread's priority: on Linux the nice value is per
    thread. An unprivileged process may lower but never raise it again, so
    only Dask's threads get it, never one that runs files. Threads started by
    this one later inherit it."""
    if not sys.platform.startswith("linux"):
        return  # elsewhere PRIO_PROCESS takes a process id, not a thread's
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + offset))
    except OSError:
        pass  # not allowed here: Dask's threads keep the files' priority


def dask_setup(worker):
    # The executor's threads run the files; all of them are started now,
    # before the event-loop thread is lowered, so they keep the process's
    # priority (a thread started later by this one would inherit the lower
    # one). Each waits for the others, so none can take two of these calls.
    threads = worker.state.nthreads
    started = threading.Barrier(threads, timeout=10)
    try:
        for future in [worker.executor.submit(started.wait) for _ in range(threads)]:
            future.result()
    except threading.BrokenBarrierError:
        return  # fewer threads than expected: lowering now could lower a file thread
    lower_this_thread()
