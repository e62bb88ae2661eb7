"""Files only their owner may read: the state database (findings, cases, decisions, the
names of people in the RIS), the reference store, and their -wal and -shm files; reports and a
person's data written out (``write_private``).

Writing an output into an existing file kept that file's owner and mode (0666 stayed 0666) and
a symbolic link at the name was followed to wherever it pointed. ``write_private`` writes a new
file, mode 0600, in the same folder and renames it over the name: the old file (or link) is
replaced, never written through, and a reader sees the old content or the new, never half."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def create_private(path: str | os.PathLike[str]) -> None:
    """Create ``path`` empty with mode 0600 (whatever the umask lets through of it: never more),
    unless it exists; an existing file keeps its mode (the operator's choice).

    SQLite creates a database's -wal and -shm files with the database file's own permission
    bits, so creating the database file this way, before SQLite opens it, makes all three
    private."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(Path(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def write_private(path: Path, content: str | bytes, *, encoding: str = "utf-8") -> Path:
    """Write ``content`` to ``path`` as a new file only its owner may read (mode 0600)."""
    data = content.encode(encoding) if isinstance(content, str) else content
    folder = path.parent
    if path.is_dir() and not path.is_symlink():
        raise IsADirectoryError(21, "is a folder, not a file", str(path))
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:  # mkstemp: O_EXCL, mode 0600 whatever the umask
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)  # renames over a link, never through it
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return path
