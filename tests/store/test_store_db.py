from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kvrules.store import Store, StoreError
from kvrules.store.db import Database, connect, migrate
from kvrules.store.migrations import MIGRATIONS, Migration
from tests.store.store_helpers import T0, FakeClock


def test_open_creates_wal_database_with_schema_version(db_path: Path, clock: FakeClock) -> None:
    with Store.open(db_path, clock=clock) as store:
        assert store.schema_version == MIGRATIONS[-1].version
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    rows = conn.execute("SELECT version, name FROM schema_version").fetchall()
    assert rows == [(m.version, m.name) for m in MIGRATIONS]


def test_open_is_idempotent_and_keeps_data(db_path: Path, clock: FakeClock) -> None:
    with Store.open(db_path, clock=clock) as store:
        store.set_cursor("pure", "c1")
    for _ in range(2):
        with Store.open(db_path, clock=clock) as store:
            assert store.get_cursor("pure") == "c1"
    count = sqlite3.connect(db_path).execute("SELECT COUNT(*) FROM schema_version").fetchone()[0]
    assert count == len(MIGRATIONS)


def test_migrations_apply_in_order_and_only_once(tmp_path: Path) -> None:
    n = MIGRATIONS[-1].version
    extra = (
        *MIGRATIONS,
        Migration(n + 1, "notes", ("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)",)),
        Migration(n + 2, "notes-index", ("CREATE INDEX notes_text ON notes(text)",)),
    )
    db = Database(connect(tmp_path / "m.db"))
    assert migrate(db, T0, MIGRATIONS) == n
    assert migrate(db, T0, extra) == n + 2
    assert migrate(db, T0, extra) == n + 2  # nothing left to do
    versions = [r[0] for r in db.conn.execute("SELECT version FROM schema_version ORDER BY 1")]
    assert versions == list(range(1, n + 3))


def test_a_failing_migration_leaves_nothing_behind(tmp_path: Path) -> None:
    db = Database(connect(tmp_path / "m.db"))
    migrate(db, T0, MIGRATIONS)
    n = MIGRATIONS[-1].version
    broken = (
        *MIGRATIONS,
        Migration(n + 1, "half", ("CREATE TABLE half (x)", "THIS IS NOT SQL")),
    )
    with pytest.raises(sqlite3.OperationalError):
        migrate(db, T0, broken)
    tables = {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half" not in tables
    assert db.conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == n


def test_a_migrations_step_runs_once_in_its_transaction(tmp_path: Path) -> None:
    """A migration's step (``then``) fills rows SQL alone cannot; when it fails, the
    migration's statements go with it."""
    db = Database(connect(tmp_path / "m.db"))
    migrate(db, T0, MIGRATIONS)
    n = MIGRATIONS[-1].version
    ran: list[int] = []

    def fill(conn: sqlite3.Connection) -> None:
        ran.append(conn.execute("INSERT INTO notes (text) VALUES ('filled')").lastrowid or 0)

    def fail(conn: sqlite3.Connection) -> None:
        raise ValueError("the step failed")

    create = ("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)",)
    with pytest.raises(ValueError):
        migrate(db, T0, (*MIGRATIONS, Migration(n + 1, "notes", create, fail)))
    tables = {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "notes" not in tables
    steps = (*MIGRATIONS, Migration(n + 1, "notes", create, fill))
    assert migrate(db, T0, steps) == migrate(db, T0, steps) == n + 1
    assert ran == [1]
    assert [tuple(r) for r in db.conn.execute("SELECT text FROM notes")] == [("filled",)]


def test_database_from_newer_kvrules_is_refused(db_path: Path, clock: FakeClock) -> None:
    Store.open(db_path, clock=clock).close()
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO schema_version VALUES (99, 'future', 'x')")
    conn.commit()
    with pytest.raises(StoreError, match="newer"):
        Store.open(db_path, clock=clock)


def test_transaction_rolls_back_everything_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.set_cursor("pure", "c1")
        store.quarantine("pure", "r1", "unmappable")
        raise RuntimeError("boom")
    assert store.get_cursor("pure") is None
    assert store.quarantined() == []
    assert store.audit_entries() == []


def test_nested_transaction_failure_only_undoes_the_inner_part(store: Store) -> None:
    with store.transaction():
        store.set_cursor("pure", "outer")
        with pytest.raises(ValueError), store.transaction():
            store.set_cursor("converis", "inner")
            raise ValueError
    assert store.get_cursor("pure") == "outer"
    assert store.get_cursor("converis") is None


def test_a_single_change_without_a_savepoint_is_still_all_or_nothing(tmp_path: Path) -> None:
    """Issue #20: one-statement store calls skip their own savepoint inside a transaction
    (two statements fewer per call on a scan's hot path). A failing statement is undone by
    SQLite itself and fails the enclosing transaction as before; earlier work in the
    enclosing savepoint goes with it, and nothing is left half done."""
    db = Database(connect(tmp_path / "s.db"))
    db.conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)")
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    with db.transaction():
        with db.transaction(savepoint=False) as c:
            c.execute("INSERT INTO t VALUES ('kept', 1)")
        with pytest.raises(sqlite3.IntegrityError), db.transaction():
            db.conn.execute("INSERT INTO t VALUES ('undone', 1)")
            with db.transaction(savepoint=False) as c:
                c.execute("INSERT INTO t VALUES ('bad', NULL)")
    db.conn.set_trace_callback(None)
    assert [tuple(r) for r in db.conn.execute("SELECT k FROM t")] == [("kept",)]
    assert sum(s.startswith("SAVEPOINT") for s in statements) == 1  # only the explicit one
    with db.transaction(savepoint=False) as c:  # outermost: still a transaction of its own
        c.execute("INSERT INTO t VALUES ('alone', 2)")
    assert tuple(db.conn.execute("SELECT v FROM t WHERE k = 'alone'").fetchone()) == (2,)


def test_releasing_a_record_that_was_never_held_writes_nothing(db_path: Path, clock) -> None:
    with Store.open(db_path, clock=clock) as store:
        statements: list[str] = []
        store._db.conn.set_trace_callback(statements.append)
        assert not store.release_quarantine("pure", "never-held")
        store._db.conn.set_trace_callback(None)
    assert [s.split()[0] for s in statements] == ["SELECT"]
