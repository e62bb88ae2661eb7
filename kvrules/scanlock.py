"""One scan at a time on a state database.

Two scans of one database would read the same sources, contend for its write lock (each write
waiting up to the busy timeout for the other's) and queue the same alerts twice. A scan holds
an exclusive ``flock`` on ``<database>.scan-lock`` while it runs; a second one is refused in
one line naming the first one's process id and start. The operating system releases the lock
when its process ends, however it ends: a lock file left by a crashed (killed) scan holds no
lock, and the next scan takes it over and writes its own process id into it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from kvrules.errors import KvrulesError
from kvrules.private import create_private

try:
    import fcntl
except ImportError:  # not POSIX: no lock (kvrules runs on Linux and macOS)
    fcntl = None  # type: ignore[assignment]


class ScanRunning(KvrulesError):
    """Another scan holds the database's scan lock."""


def lock_path(database: Path) -> Path:
    return database.with_name(f"{database.name}.scan-lock")


@contextmanager
def scan_lock(database: Path | str) -> Iterator[None]:
    """Hold the scan lock of ``database`` while inside; ``ScanRunning`` when another process
    holds it. An in-memory database (":memory:") is nobody else's: no lock."""
    if fcntl is None or str(database) == ":memory:":
        yield
        return
    path = lock_path(Path(database))
    create_private(path)
    with open(path, "r+", encoding="utf-8") as held:
        try:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ScanRunning(_refusal(database, held.read())) from None
        held.seek(0)
        held.truncate()
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        held.write(json.dumps({"pid": os.getpid(), "started": started}))
        held.flush()
        try:
            yield
        finally:
            held.seek(0)
            held.truncate()  # nobody holds it: an old pid would mislead a reader
            fcntl.flock(held, fcntl.LOCK_UN)


def _refusal(database: Path | str, text: str) -> str:
    try:
        holder = json.loads(text)
        who = f"process {int(holder['pid'])}, started {holder['started']}"
    except (ValueError, KeyError, TypeError):  # being written at this very moment
        who = "a process that is starting"
    return (
        f"another scan is running on {database} ({who}): wait for it to end, or stop it "
        "(SIGTERM keeps what it read); two scans at once would contend for the database"
    )
