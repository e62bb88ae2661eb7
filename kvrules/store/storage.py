"""When the disk, not kvrules, fails a database: full, read-only, an I/O error, a file that
cannot be opened. Each is said in one line that names the file and the cause (exit status 1),
never as an internal error: an operator can free space or fix a mount and run again.

SQLite rolls the transaction back in every one of these cases (the caller's ``ROLLBACK`` or
its own), so nothing of the change in progress was stored, and a scan resumes from the last
page it committed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kvrules.errors import KvrulesError

# SQLite's primary result codes (the low byte of an extended code) that mean the storage
# failed: https://www.sqlite.org/rescode.html
_CAUSES = {
    sqlite3.SQLITE_FULL: ("the disk holding {path} is full", "free space"),
    sqlite3.SQLITE_READONLY: (
        "{path} cannot be written: it, its folder or its disk is read-only",
        "make it writable",
    ),
    sqlite3.SQLITE_IOERR: (
        "the disk holding {path} reported an I/O error ({error})",
        "check the disk (the system log says more)",
    ),
    sqlite3.SQLITE_CANTOPEN: (
        "{path} (or its -wal/-shm file beside it) cannot be opened ({error})",
        "check that the file and its folder exist and can be written",
    ),
}


class StorageError(KvrulesError):
    """The disk holding a database failed it; ``problem`` names the file and the cause,
    ``remedy`` says what the operator does before running again."""

    def __init__(self, problem: str, remedy: str, *, what: str = "the change in progress") -> None:
        self.problem = problem
        self.remedy = remedy
        super().__init__(
            f"{problem}; nothing of {what} was stored; {remedy} and run the command again"
        )

    def reworded(self, what: str, then: str) -> KvrulesError:
        """The same failure in a command's own words (``what`` was not stored, ``then``)."""
        return KvrulesError(f"{self.problem}; nothing of {what} was stored; {self.remedy} {then}")


def storage_error(error: BaseException, path: str | Path) -> StorageError | None:
    """``error`` in words when the storage of ``path`` failed; None for anything else (a bug,
    a damaged file, a busy one: their callers say those)."""
    code = getattr(error, "sqlite_errorcode", None)
    if not isinstance(error, sqlite3.Error) or code is None:
        return None
    cause = _CAUSES.get(code & 0xFF)
    if cause is None:
        return None
    problem, remedy = cause
    return StorageError(problem.format(path=path, error=error), remedy)
