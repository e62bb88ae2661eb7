"""The SQLite connection: WAL, foreign keys, explicit transactions, schema migrations."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from kvrules.errors import KvrulesError
from kvrules.store.folding import SQL_FUNCTION, fold
from kvrules.store.migrations import MIGRATIONS, Migration

Clock = Callable[[], datetime]


class StoreError(KvrulesError):
    """The database cannot be used by this version of kvrules."""


def utcnow() -> datetime:
    return datetime.now(UTC)


@lru_cache(maxsize=64)  # a scan writes one moment several times per record
def ts(moment: datetime) -> str:
    """One fixed-width UTC text form, so timestamps compare correctly as strings in SQL."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware (UTC) datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_ts(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def connect(path: str | Path) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves (see Database.transaction).
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=30.0)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")  # readers never block the single writer
    # NORMAL under WAL: a power cut may drop the last commits but never corrupts; findings,
    # outbox rows and the cursor roll back together, so the next scan simply redoes them.
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    # the case search folds stored text as it folds the words asked for (every script)
    conn.create_function(SQL_FUNCTION, 1, fold, deterministic=True)
    return conn


class Database:
    """A connection plus nestable transactions (outermost BEGIN IMMEDIATE, inner SAVEPOINTs)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._depth = 0

    @contextmanager
    def transaction(self, *, savepoint: bool = True) -> Iterator[sqlite3.Connection]:
        """``savepoint=False``: inside another transaction, run without a savepoint of its own.
        Only for a block that makes at most one change (SQLite undoes a failing statement by
        itself): it saves two statements per call on the scan's hot path."""
        if not savepoint and self._depth > 0:
            yield self.conn
            return
        # IMMEDIATE takes the write lock up front: no deadlock-prone lock upgrade later.
        name = f"sp{self._depth}"
        self.conn.execute("BEGIN IMMEDIATE" if self._depth == 0 else f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield self.conn
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self.conn.execute("ROLLBACK")
            else:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
            raise
        self._depth -= 1
        self.conn.execute("COMMIT" if self._depth == 0 else f"RELEASE {name}")

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def close(self) -> None:
        self.conn.close()


def schema_version(conn: sqlite3.Connection) -> int:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'"
    ).fetchone()
    if not exists:
        return 0
    return conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]


def migrate(db: Database, now: datetime, migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    """Bring the schema up to date; a no-op when it already is. Returns the version reached."""
    latest = migrations[-1].version if migrations else 0
    with db.transaction() as conn:  # the write lock serialises two processes opening at once
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        current = schema_version(conn)
        if current > latest:
            raise StoreError(
                f"database schema version {current} is newer than this kvrules supports "
                f"({latest}); upgrade kvrules"
            )
        for m in migrations:
            if m.version <= current:
                continue
            for statement in m.statements:
                conn.execute(statement)
            if m.then is not None:
                m.then(conn)
            conn.execute(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                (m.version, m.name, ts(now)),
            )
    return latest


class StorePart:
    """A part of ``Store``'s API kept in a module of its own (committee work, case work,
    pre-screens, hand-overs): it uses Store's database and clock and writes Store's audit log."""

    _db: Database
    clock: Clock

    def _log(self, actor: str, action: str, subject: str, details: dict, now: datetime) -> None:
        raise NotImplementedError  # provided by Store
