"""Rows adapters keep between scans beside their cursor (``kvrules.AdapterState``), in the
state database's ``adapter_state`` table.

A scan writes them with the cursor they came with (``keep``, through ``Store``), in the same
transaction. The adapter reads them while it fetches, on the reader thread or in the reader
process, through ``StoredState``: a read-only connection of its own, opened where it is first
used. A module of its own outside ``kvrules.store``: a reader process imports this alone (the
store's package would add about 9 MB to it).

The rows follow the source: a read from no cursor sees none (``NoRowsYet``) and its rows
replace the stored ones at its first resume point (``keep(replace=True)``); those of a source
no longer configured go with ``kvrules purge --apply`` (``forget_source``). ``kvrules fetch
--cursor`` reads them too, and says so when a cursor needs rows that are not there
(``stored_or_missing``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kvrules.adapter import StateRow
from kvrules.errors import KvrulesError


def keep(
    conn: sqlite3.Connection, source: str, rows: Iterable[StateRow], *, replace: bool = False
) -> None:
    """Store an adapter's rows (a value None forgets the key), in the caller's transaction;
    ``replace``: instead of every row kept for the source (the first resume point of a read
    from no cursor, which rebuilds the state: what the rows said of records since gone from
    the source would otherwise stay for ever)."""
    if replace:
        forget_source(conn, source)
    put, forget = [], []
    for space, key, value in rows:
        if value is None:
            forget.append((source, space, key))
        else:
            put.append((source, space, key, value))
    if forget:
        conn.executemany(
            "DELETE FROM adapter_state WHERE source = ? AND space = ? AND key = ?", forget
        )
    if put:
        conn.executemany(
            "INSERT OR REPLACE INTO adapter_state (source, space, key, value) VALUES (?, ?, ?, ?)",
            put,
        )


def kept_by_source(conn: sqlite3.Connection) -> dict[str, int]:
    """source -> the number of rows kept for it."""
    rows = conn.execute("SELECT source, count(*) FROM adapter_state GROUP BY source")
    return dict(rows.fetchall())


def forget_source(conn: sqlite3.Connection, source: str) -> int:
    """Drop every row of a source, in the caller's transaction; how many went."""
    return conn.execute("DELETE FROM adapter_state WHERE source = ?", (source,)).rowcount


class StoredState:
    """The stored rows of one source, read-only (``kvrules.adapter.StoredRows``); pickles as
    the database's path, so a reader process opens its own connection."""

    def __init__(self, path: str | Path, source: str) -> None:
        self.path, self.source = str(path), source
        self._conn: sqlite3.Connection | None = None

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            # One reading thread at a time (the reader's), not always the one that opened it.
            self._conn = sqlite3.connect(
                Path(self.path).resolve().as_uri() + "?mode=ro", uri=True, check_same_thread=False
            )
        return self._conn

    def get(self, space: str, key: str) -> str | None:
        row = (
            self._db()
            .execute(
                "SELECT value FROM adapter_state WHERE source = ? AND space = ? AND key = ?",
                (self.source, space, key),
            )
            .fetchone()
        )
        return row[0] if row else None

    def prefixed(self, space: str, prefix: str) -> list[tuple[str, str]]:
        # A range on the primary key, not LIKE: keys may hold % or _.
        return (
            self._db()
            .execute(
                "SELECT key, value FROM adapter_state WHERE source = ? AND space = ?"
                " AND key >= ? AND key < ?",
                (self.source, space, prefix, prefix + "\U0010ffff"),
            )
            .fetchall()
        )

    def kept(self) -> bool:
        """Does the database keep any row for this source? (False for a database from before
        the table, which holds none.)"""
        try:
            row = (
                self._db()
                .execute("SELECT 1 FROM adapter_state WHERE source = ? LIMIT 1", (self.source,))
                .fetchone()
            )
        except sqlite3.OperationalError:  # no such table: a database older than migration 9
            return False
        return row is not None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path, "source": self.source, "_conn": None}


class NoRowsYet:
    """The stored rows as a read from no cursor sees them: none. It rebuilds the state, and
    its rows replace the stored ones at its first resume point (``keep(replace=True)``)."""

    def get(self, space: str, key: str) -> str | None:
        return None

    def prefixed(self, space: str, prefix: str) -> list[tuple[str, str]]:
        return []

    def close(self) -> None:
        pass


class StateMissing(KvrulesError):
    """A cursor was resumed whose adapter looks up the rows kept beside it, and there are none."""


class NoStoredState:
    """The stored rows of a source that has none here (no state database, or none kept for the
    source): an adapter that looks one up is resuming from a cursor that needs them, and would
    otherwise go on as if nothing were kept (``kvrules fetch --cursor`` found no dependents).
    ``why`` says what is missing, for the error."""

    def __init__(self, why: str) -> None:
        self.why = why

    def get(self, space: str, key: str) -> str | None:
        raise StateMissing(self.why)

    def prefixed(self, space: str, prefix: str) -> list[tuple[str, str]]:
        raise StateMissing(self.why)

    def close(self) -> None:
        pass


def stored_or_missing(path: Path, source: str) -> StoredState | NoStoredState:
    """A source's rows in the state database at ``path``, read-only; when there are none, a
    stand-in that says so at the first lookup (``kvrules fetch --cursor``)."""
    if not path.exists():
        return NoStoredState(f"there is no state database at {path}")
    stored = StoredState(path, source)
    if stored.kept():
        return stored
    stored.close()
    return NoStoredState(f"{path} keeps no adapter state for source '{source}'")
