"""Writing a private output file (a report, a person's data) so that only its owner can read
it, whatever was at its name before.

Writing into an existing file kept that file's owner and mode (0666 stayed 0666) and a
symbolic link at the name was followed to wherever it pointed. ``write_private`` writes a new
file, mode 0600, in the same folder and renames it over the name: the old file (or link) is
replaced, never written through, and a reader sees the old content or the new, never half.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


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
