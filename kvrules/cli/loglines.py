"""`watch`'s warnings on standard error, stamped as its per-scan lines on standard output are.

An alert that could not be delivered, a source's warning, a Retry-After cut short: logged by
the modules that noticed (``logging``), and with no handler set, written by Python's last-resort
handler as the bare message. Left running for days, `watch`'s standard error then said that an
alert failed, never when (operations review, 2026-12-07). While `watch` runs, a handler writes
them with the same local date and time as its per-scan lines.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

STAMP = "%Y-%m-%d %H:%M:%S"  # as `watch`'s per-scan lines (local time)


@contextlib.contextmanager
def stamped_warnings() -> Iterator[logging.Handler]:
    """Warnings and errors logged meanwhile go to standard error, each line stamped."""
    handler = logging.StreamHandler()  # sys.stderr as it is now (a test runner's, too)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", STAMP))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
