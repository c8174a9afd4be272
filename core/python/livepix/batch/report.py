"""What a batch run did, file by file: livepix.batch.run() returns a Report."""

from dataclasses import dataclass, field
from pathlib import Path

# FileResult.status values.
WRITTEN = "written"
SKIPPED = "skipped"
FAILED = "failed"
CANCELLED = "cancelled"


@dataclass
class FileResult:
    """One input file's outcome.

    ``status`` is "written", "skipped" (the output was up to date: newer than
    the input and made by the same filter chain and parameters), "failed"
    (``reason`` says why: unreadable input, a filter error, an unwritable
    output, a worker that cannot see the path) or "cancelled".
    ``seconds`` is the time the worker spent on it; ``worker`` its address.
    """

    input: str
    output: str
    status: str
    reason: str = ""
    seconds: float = 0.0
    worker: str = ""

    @property
    def name(self):
        """The input's file name, as failures are listed."""
        return Path(self.input).name


@dataclass
class Report:
    """Every file's FileResult (in input order) and the run's wall time
    (starting a local cluster included).

    ``ok`` is True when nothing failed and the run was not cancelled; the
    command line exits non-zero otherwise. ``str(report)`` is the summary the
    command line prints.
    """

    results: list = field(default_factory=list)
    seconds: float = 0.0
    cancelled: bool = False

    def _with(self, status):
        return [r for r in self.results if r.status == status]

    @property
    def written(self):
        return self._with(WRITTEN)

    @property
    def skipped(self):
        return self._with(SKIPPED)

    @property
    def failed(self):
        return self._with(FAILED)

    @property
    def ok(self):
        return not self.failed and not self.cancelled

    def summary(self):
        """One line: counts, time and rate."""
        processed = len(self.written) + len(self.failed)
        rate = processed / self.seconds if self.seconds > 0 else 0.0
        text = (f"{len(self.written)} written, {len(self.skipped)} skipped (up to date), "
                f"{len(self.failed)} failed of {len(self.results)} in {self.seconds:.1f} s ({rate:.2f} files/s overall)")
        if self.cancelled:
            text += f"; cancelled, {len(self._with(CANCELLED))} not done"
        return text

    def __str__(self):
        lines = [self.summary()]
        if self.failed:
            lines.append("failed:")
            lines += [f"  {r.name}: {r.reason}" for r in self.failed]
        return "\n".join(lines)
