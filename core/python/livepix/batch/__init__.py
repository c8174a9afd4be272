"""livepix.batch: one filter chain over many image files, on Dask.

    import livepix
    report = livepix.batch.run([("Gaussian Blur (OIIO)", {"sigma": 2.0})],
                               ["photos/"], "blurred/")
    print(report)                 # counts, time, and each failed file with its reason

The same as ``python3 -m livepix batch --filter "Gaussian Blur (OIIO)"
--param sigma=2 photos/ --out blurred/``. A local cluster of worker
processes runs by default; ``scheduler="tcp://host:8786"`` uses an existing
Dask cluster; ``local_cluster()`` starts the local one for callers who keep
it running across runs. Workers read, filter and write the files themselves (no pixels
go through the scheduler) and load the plugins from the caller's plugin
folders. See docs/BATCH.md.

Importing this module does not import Dask; run() does.
"""

from .plan import RECORD_KEY, Job
from .report import FileResult, Report
from .runner import BatchCancelled, BatchError, local_cluster, run

__all__ = ["run", "local_cluster", "Report", "FileResult", "BatchError", "BatchCancelled", "RECORD_KEY", "Job"]
