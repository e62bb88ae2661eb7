"""Upgrading an older state database, with a way back, and copying a live one.

An upgrade is never silent and never shared: it refuses while another process has the file
open (kvrules.store.alone), and holds the file's exclusive lock from before the copy to after
the migration, so nothing can change it in between; the copy is taken with SQLite's backup
API and kept beside the file as ``X.schema-N.bak``; the caller is told in one line; and the
upgrade is written to the audit log in the transaction that migrates. The
previous kvrules release reads the copy; README "Upgrading and rolling back" says how.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path

from kvrules.actors import SYSTEM_ACTOR
from kvrules.release import described
from kvrules.store import audit as _audit
from kvrules.store.alone import alone
from kvrules.store.db import ts

UPGRADED = "store.upgraded"  # the audit action


def backup_path(path: Path, version: int, now: datetime | None = None) -> Path:
    """Where the copy of ``path`` taken before upgrading it from ``version`` is kept:
    ``X.schema-N.bak``; where that is already taken (a rollback then a second upgrade, or an
    upgrade on a site that restored a copy), the copy there is kept and this one is named by
    ``now`` (``X.schema-N.20261207T095500Z.bak``, numbered if even that is taken): a way back
    is never overwritten."""
    plain = path.with_name(f"{path.name}.schema-{version}.bak")
    if now is None or not plain.exists():
        return plain
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    candidate = path.with_name(f"{path.name}.schema-{version}.{stamp}.bak")
    n = 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.schema-{version}.{stamp}-{n}.bak")
    return candidate


def copy_database(path: Path, dest: Path, source: sqlite3.Connection | None = None) -> None:
    """A consistent copy of the database at ``path`` (live, in WAL mode: committed pages from
    the -wal file too) into ``dest``, readable by the owner only, replacing it atomically.

    Read through a connection of its own: SQLite's backup API reads what is committed, while
    a writer may hold the write lock. ``source``: read through that connection instead (an
    upgrade's, which holds the file's exclusive lock, outside a transaction)."""
    partial = dest.with_name(f".{dest.name}.partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        reader = source or sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30.0
        )
        try:
            target = sqlite3.connect(partial)
            try:
                reader.backup(target)
            finally:
                target.close()
        finally:
            if source is None:
                reader.close()
        os.replace(partial, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise


class Upgrade:
    """What opening an older database does around its migrations: ``alone`` makes sure no
    other process has it open and keeps it so; ``before`` keeps a copy and says so; ``after``
    writes the audit entry (in the migration's transaction)."""

    def __init__(self, path: Path, now: datetime, say: Callable[[str], None]) -> None:
        self.path = path
        self.now = now
        self.say = say
        self.kept: Path | None = None

    def alone(self, conn: sqlite3.Connection) -> AbstractContextManager[None]:
        return alone(conn, self.path)

    def before(self, conn: sqlite3.Connection, current: int, latest: int) -> None:
        self.kept = backup_path(self.path, current, self.now)
        older = backup_path(self.path, current)
        also = ""
        if older != self.kept:
            also = f" ({older}, from an earlier upgrade, is kept as it was)"
        self.say(
            f"upgrading {self.path} from schema {current} to {latest}; the previous file is "
            f"kept at {self.kept}{also}"
        )
        copy_database(self.path, self.kept, conn)

    def after(self, conn: sqlite3.Connection, current: int, latest: int) -> None:
        details = {
            "from_schema": current,
            "to_schema": latest,
            # absolute: the entry is read from anywhere (`kvrules audit`, the web app), long
            # after the upgrade was run in some folder
            "previous_file": os.path.abspath(self.kept) if self.kept else None,
            "kvrules": described(),  # the release, and the commit run from a checkout
        }
        _audit.append(conn, ts(self.now), SYSTEM_ACTOR, UPGRADED, "database", details)
