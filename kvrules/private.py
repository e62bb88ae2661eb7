"""Files only their owner may read: the state database (findings, cases, decisions, the
names of people in the RIS), the reference store, and their -wal and -shm files."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def create_private(path: str | os.PathLike[str]) -> None:
    """Create ``path`` empty with mode 0600 (whatever the umask lets through of it: never more),
    unless it exists; an existing file keeps its mode (the operator's choice).

    SQLite creates a database's -wal and -shm files with the database file's own permission
    bits, so creating the database file this way, before SQLite opens it, makes all three
    private."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(Path(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
