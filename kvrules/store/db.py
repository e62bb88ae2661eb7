"""The SQLite connection: WAL, foreign keys, explicit transactions, schema migrations."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from kvrules.errors import KvrulesError
from kvrules.private import create_private
from kvrules.store.folding import SQL_FUNCTION, fold
from kvrules.store.migrations import MIGRATIONS, Migration
from kvrules.store.storage import StorageError, storage_error

Clock = Callable[[], datetime]


class StoreError(KvrulesError):
    """The database cannot be used by this version of kvrules."""


class StoreBusy(StoreError, sqlite3.OperationalError):
    """Another connection (a scan) held the write lock longer than this one would wait.

    Also an ``OperationalError``: callers that already said SQLite's own "database is locked"
    in words (``kvrules purge``) keep doing so."""


class SchemaMismatch(StoreError):
    """The file has a schema other than this release's (an older one to upgrade, or a newer
    release upgraded it): said to whoever asked, the web app's page included."""

    def __init__(self, message: str, current: int, latest: int) -> None:
        super().__init__(message)
        self.current = current
        self.latest = latest


def is_busy(error: sqlite3.Error) -> bool:
    return "locked" in str(error) or "busy" in str(error)


# Seconds of one SQLite busy wait in a BEGIN (see Database._begin): a signal waits no longer.
BUSY_SLICE = 0.2


def set_busy_timeout(conn: sqlite3.Connection, seconds: float) -> None:
    """How long a write waits for another connection's write lock before ``StoreBusy``."""
    conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")


def utcnow() -> datetime:
    return datetime.now(UTC)


@lru_cache(maxsize=64)  # a scan writes one moment several times per record
def ts(moment: datetime) -> str:
    """One fixed-width UTC text form, so timestamps compare correctly as strings in SQL."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware (UTC) datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_ts(text: str) -> datetime:
    """A ``ts`` text as an aware UTC datetime. fromisoformat (C) reads ``ts``'s fixed form
    ("…T…:…:….ffffffZ") as strptime did, ten times faster: the portfolio report parses two
    per case, 55,800 at 9,300 cases, which took most of its CPU."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def connect(path: str | Path) -> sqlite3.Connection:
    if str(path) != ":memory:":
        create_private(path)  # 0600, and so are its -wal and -shm (SQLite copies the mode)
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


def connect_read_only(path: Path) -> sqlite3.Connection:
    """The database at ``path`` opened read-only (``mode=ro``): a command that only reads never
    changes the file, and works where it cannot write (a read-only mount, a snapshot).

    Where the folder cannot be written and there is no ``-shm`` file, SQLite cannot make the
    index it reads a WAL database through: the file is then opened ``immutable`` (safe, as
    nothing can write it there), unless its ``-wal`` file holds commits not yet in the
    database, which an immutable reader would not see: that is refused in words."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not os.access(path.parent, os.W_OK) and not Path(f"{path}-shm").exists():
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise StoreError(
                f"{path} cannot be read where it is: its folder is read-only and {wal} holds "
                "changes not yet written into it; copy the database and its -wal file to a "
                "writable folder and read the copy"
            )
        uri += "&immutable=1"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30.0)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1")  # open the file now, say it here
    except BaseException:
        conn.close()
        raise
    return conn


class Database:
    """A connection plus nestable transactions (outermost BEGIN IMMEDIATE, inner SAVEPOINTs).
    ``path``: the file, named when its disk fails a transaction (``StorageError``)."""

    def __init__(self, conn: sqlite3.Connection, path: str | Path = "the database") -> None:
        self.conn = conn
        self.path = path
        self._depth = 0
        self.busy_wait: float | None = None  # seconds a BEGIN waits for the write lock
        self._last_failure: StorageError | None = None  # the disk's last failure, as said
        # the schema this process's code was written for (Store.open sets it): each write
        # transaction checks the file still has it (``_check_schema``)
        self.schema: int | None = None

    @property
    def _rolled_back(self) -> StorageError:
        """Why a transaction is gone beneath its block: the disk's failure as said when it
        happened, or, with none seen, the same words for whatever SQLite met."""
        return self._last_failure or StorageError(
            f"SQLite rolled back the transaction on {self.path} (a full disk or an I/O error)",
            "check the disk",
        )

    def _begin(self) -> None:
        """BEGIN IMMEDIATE, waiting for another connection's write lock in slices of
        ``BUSY_SLICE`` seconds up to the connection's busy timeout. SQLite's own busy wait
        sleeps in C for the whole timeout (30 s) and Python runs a signal's handler only when
        it returns: a scan waiting for another's lock ignored SIGTERM that long, for each
        statement. Between slices the handler runs. Two PRAGMAs more per outermost
        transaction (a scan's is a batch of records, not one)."""
        if self.busy_wait is None:  # as connect or Store.open(busy_timeout=…) set it
            self.busy_wait = self.conn.execute("PRAGMA busy_timeout").fetchone()[0] / 1000
        until = time.monotonic() + self.busy_wait
        set_busy_timeout(self.conn, min(BUSY_SLICE, self.busy_wait))
        try:
            while True:
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                    self._check_schema()
                    return
                except sqlite3.OperationalError as e:
                    if not is_busy(e) or time.monotonic() >= until:
                        raise
        finally:
            set_busy_timeout(self.conn, self.busy_wait)

    def _check_schema(self) -> None:
        """Inside a new write transaction: the file still has the schema this code writes.
        Another release may have upgraded it since this process opened it (a scan still
        running when the next release's ``db upgrade`` ran, which refuses while it can see
        one): this process then stops before writing its rows into a schema it does not know.
        One indexed read per write transaction (a scan's is a batch of records)."""
        if self.schema is None:
            return
        found = self.conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
        if found != self.schema:
            self.conn.execute("ROLLBACK")
            raise SchemaMismatch(
                f"{self.path} now has schema {found}, not this kvrules' {self.schema} (another "
                "release upgraded it while this process ran): stopped without writing; run "
                "the release that upgraded it",
                found,
                self.schema,
            )

    @contextmanager
    def transaction(self, *, savepoint: bool = True) -> Iterator[sqlite3.Connection]:
        """``savepoint=False``: inside another transaction, run without a savepoint of its own.
        Only for a block that makes at most one change (SQLite undoes a failing statement by
        itself): it saves two statements per call on the scan's hot path.

        A full, read-only or failing disk ends the transaction with ``StorageError`` naming
        the file (nothing of it stored), not with SQLite's bare OperationalError."""
        if not savepoint and self._depth > 0:
            yield self.conn
            return
        # IMMEDIATE takes the write lock up front: no deadlock-prone lock upgrade later.
        name = f"sp{self._depth}"
        with self._storage_said():
            try:
                if self._depth == 0:
                    self._begin()
                else:
                    self.conn.execute(f"SAVEPOINT {name}")
            except sqlite3.OperationalError as e:
                if self._depth == 0 and is_busy(e):
                    raise StoreBusy(
                        f"the database {self.path} is busy ({e}): a scan or another kvrules "
                        "process is writing; try again in a moment"
                    ) from None
                raise
        self._depth += 1
        try:
            yield self.conn
        except BaseException:
            self._depth -= 1
            with self._storage_said():
                self._undo(name)
                raise
        self._depth -= 1
        if not self.conn.in_transaction:
            # SQLite rolled the whole transaction back beneath this block (a full disk or an
            # I/O error in an inner one that its caller went past, say a batch of records
            # ending on the error): COMMIT would fail with "no transaction is active", a bug's
            # words in place of the disk's.
            raise self._rolled_back
        with self._storage_said():
            try:
                self.conn.execute("COMMIT" if self._depth == 0 else f"RELEASE {name}")
            except sqlite3.Error:
                self._undo(name)
                raise
        if self._depth == 0:
            self._last_failure = None  # committed: an older failure explains no later rollback

    @contextmanager
    def _storage_said(self) -> Iterator[None]:
        """A failing disk raised inside, as ``StorageError`` naming this file."""
        try:
            yield
        except sqlite3.Error as e:
            failed = storage_error(e, self.path)
            if failed is None:
                raise
            self._last_failure = failed
            raise failed from None

    def _undo(self, name: str) -> None:
        """Roll back the transaction (or savepoint) that failed. SQLite has already rolled
        the whole transaction back after a full disk or an I/O error: then nothing is left
        to undo, and ROLLBACK would fail and hide the real error."""
        if not self.conn.in_transaction:
            return
        if self._depth == 0:
            self.conn.execute("ROLLBACK")
        else:
            self.conn.execute(f"ROLLBACK TO {name}")
            self.conn.execute(f"RELEASE {name}")

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextmanager
    def page_cache(self, kib: int) -> Iterator[None]:
        """SQLite's page cache of this connection at ``kib`` KiB inside the block, as before
        after it (SQLite frees the pages past a smaller size)."""
        before = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size = {-int(kib)}")  # negative: KiB, not pages
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA cache_size = {int(before)}")

    def close(self) -> None:
        self.conn.close()


def schema_version(conn: sqlite3.Connection) -> int:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'"
    ).fetchone()
    if not exists:
        return 0
    return conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]


class Upgrading(Protocol):
    """What migrating an existing, older database does around its migrations
    (kvrules.store.upgrade.Upgrade: make sure no other process has it open, keep a copy, say
    so, audit it)."""

    def alone(self, conn: sqlite3.Connection) -> AbstractContextManager[None]: ...

    def before(self, conn: sqlite3.Connection, current: int, latest: int) -> None: ...

    def after(self, conn: sqlite3.Connection, current: int, latest: int) -> None: ...


def migrate(
    db: Database,
    now: datetime,
    migrations: tuple[Migration, ...] = MIGRATIONS,
    *,
    upgrading: Upgrading | None = None,
) -> int:
    """Bring the schema up to date; a no-op when it already is. Returns the version reached.
    ``upgrading``: for a database that has an older schema already (a new, empty file is
    simply made), its ``alone`` is held around the copy (``before``) and the migrations, and
    ``after`` is called in the migrations' transaction."""
    latest = migrations[-1].version if migrations else 0
    if upgrading is not None and 0 < schema_version(db.conn) < latest:
        with upgrading.alone(db.conn):
            # read again now that nothing else can change it: another process may have
            # upgraded it in between (then there is nothing to copy or say)
            current = schema_version(db.conn)
            if 0 < current < latest:
                upgrading.before(db.conn, current, latest)
                return _migrate(db, now, migrations, latest, (upgrading, current))
    return _migrate(db, now, migrations, latest, None)


def _migrate(
    db: Database,
    now: datetime,
    migrations: tuple[Migration, ...],
    latest: int,
    upgrading: tuple[Upgrading, int] | None,
) -> int:
    with db.transaction() as conn:  # the write lock serialises two processes opening at once
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        current = schema_version(conn)
        if current > latest:
            raise newer_schema(db.path, current, latest)
        if upgrading is not None and upgrading[1] != current:  # cannot happen while alone
            raise StoreError(f"{db.path} changed schema while being upgraded; nothing changed")
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
        if upgrading is not None:
            upgrading[0].after(conn, current, latest)
    return latest


def newer_schema(path: str | Path, current: int, latest: int) -> StoreError:
    return SchemaMismatch(
        f"{path}: database schema version {current} is newer than this kvrules supports "
        f"({latest}); upgrade kvrules",
        current,
        latest,
    )


class StorePart:
    """A part of ``Store``'s API kept in a module of its own (committee work, case work,
    pre-screens, hand-overs): it uses Store's database and clock and writes Store's audit log."""

    _db: Database
    clock: Clock

    def _log(self, actor: str, action: str, subject: str, details: dict, now: datetime) -> None:
        raise NotImplementedError  # provided by Store
