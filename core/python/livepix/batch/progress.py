"""The batch progress bar: files done / total, files per second, ETA and
failures, on one line redrawn in place on a terminal, or a plain line every
few seconds when the output is a file or a CI log."""

import sys
import time


def _clock(seconds):
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Progress:
    """Call update() as files finish and close() once at the end.

    The rate counts files that were processed (written or failed); skipped
    ones take no time and would make the ETA lie, so the ETA divides the
    files still to do by that rate.
    """

    WIDTH = 24
    LOG_INTERVAL = 5.0  # seconds between lines when not on a terminal

    def __init__(self, total, stream=None):
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.started = time.monotonic()
        self.last_line = 0.0
        self.done = self.processed = self.failed = 0

    def line(self):
        elapsed = time.monotonic() - self.started
        rate = self.processed / elapsed if elapsed > 0 else 0.0
        filled = self.WIDTH * self.done // self.total if self.total else self.WIDTH
        eta = _clock((self.total - self.done) / rate) if rate > 0 else "?"
        return (f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.done}/{self.total} files  "
                f"{rate:.2f} files/s  ETA {eta}  {self.failed} failed")

    def update(self, processed, failed):
        """One more file finished; ``processed`` False for a skipped one."""
        self.done += 1
        self.processed += bool(processed)
        self.failed += bool(failed)
        now = time.monotonic()
        if self.tty:
            self.stream.write("\r" + self.line() + "\033[K")  # clear what a longer line left
            self.stream.flush()
        elif now - self.last_line >= self.LOG_INTERVAL or self.done == self.total:
            self.stream.write(self.line() + "\n")
            self.stream.flush()
            self.last_line = now

    def close(self):
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
