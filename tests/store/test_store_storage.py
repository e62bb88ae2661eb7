"""A full, read-only or unopenable disk under the state database (reviewer's defect: a full
disk was reported as "internal error … this is a bug", exit 70): one line naming the file and
the cause, nothing of the transaction stored, and the store usable once the disk is fixed.

The disk is made full without a tmpfs: ``PRAGMA max_page_count`` caps the file at its size,
and SQLite answers exactly as on a full disk (SQLITE_FULL)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kvrules.cli import as_reported
from kvrules.store import Store
from kvrules.store.storage import StorageError
from tests.store.store_helpers import FakeClock, make_finding


def _findings(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT COUNT(*) FROM findings").fetchone()[0]


def _cap_at_current_size(conn: sqlite3.Connection) -> int:
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count={pages}")
    return pages


def test_a_full_disk_is_named_and_nothing_of_the_transaction_is_stored(
    db_path: Path, clock: FakeClock
) -> None:
    with Store.open(db_path, clock=clock) as store:
        _cap_at_current_size(store._db.conn)
        big = make_finding(partner="x" * 200_000)  # more pages than the file may grow by
        with pytest.raises(StorageError) as raised:
            store.record_finding(big, channels=["committee"])
        assert str(raised.value) == (
            f"the disk holding {db_path} is full; nothing of the change in progress was "
            "stored; free space and run the command again"
        )
        assert _findings(db_path) == 0  # no case without its finding, no half-queued alert
        store._db.conn.execute("PRAGMA max_page_count=1073741823")  # space freed
        assert store.record_finding(big, channels=["committee"]).new
    assert _findings(db_path) == 1


def test_a_read_only_database_is_named_not_reported_as_a_bug(
    db_path: Path, clock: FakeClock
) -> None:
    with Store.open(db_path, clock=clock) as store:
        store._db.conn.execute("PRAGMA query_only=1")  # SQLite answers SQLITE_READONLY
        with pytest.raises(StorageError, match=rf"^{db_path} cannot be written: it, its folder"):
            store.set_cursor("pure", "c1")
        store._db.conn.execute("PRAGMA query_only=0")
        store.set_cursor("pure", "c1")
        assert store.get_cursor("pure") == "c1"


def test_a_database_that_cannot_be_opened_is_named(tmp_path: Path) -> None:
    where = tmp_path / "kvrules.db"
    where.mkdir()  # a folder where the file should be: SQLITE_CANTOPEN
    with pytest.raises(StorageError, match=r"\(or its -wal/-shm file beside it\) cannot be"):
        Store.open(where)


def test_a_full_disk_outside_a_store_transaction_ends_in_one_line_exit_1(tmp_path: Path) -> None:
    """The command line's last resort (a write on another connection: the reference store):
    exit status 1 and the cause, not "internal error", exit 70."""
    conn = sqlite3.connect(tmp_path / "other.db", isolation_level=None)
    conn.execute("CREATE TABLE t (x)")
    _cap_at_current_size(conn)
    with pytest.raises(sqlite3.OperationalError) as raised:
        conn.execute("INSERT INTO t VALUES (randomblob(100000))")
    reported = as_reported(raised.value)
    assert reported.exit_code == 1
    assert reported.message.startswith("error: the disk holding a database kvrules uses is full")
    assert "bug" not in reported.message
