"""An upgrade refuses while another process has the database open, and a process whose
schema is no longer the file's stops before writing (reviewer: a 0.3.0 `scan --full` still
running when 0.4.0's `db upgrade` ran went on writing into the schema-19 file: 114 audit
entries after `store.upgraded`, 8 cases opened by 0.3.0's rules, none in the kept copy).

The older store is made by the shipped migrations 1-17 themselves (0.3.0's schema; migrations
are never edited once shipped); "another process" is a real one (a Python holding an SQLite
connection, as 0.3.0's scan does, which takes no scan lock)."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kvrules.cli import cli
from kvrules.store import Store, StoreError
from kvrules.store.alone import processes_holding
from kvrules.store.db import Database, connect, migrate
from kvrules.store.migrations import MIGRATIONS
from tests.store.store_helpers import T0

LATEST = MIGRATIONS[-1].version

HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()  # open, read, idle between batches
print("open", flush=True)
sys.stdin.read()
"""


def _schema_17(path: Path) -> Path:
    db = Database(connect(path), path)
    migrate(db, T0, MIGRATIONS[:17])
    db.close()
    return path


def _version(path: Path) -> int:
    # closed here, not when collected: `with sqlite3.connect(…)` leaves the connection open,
    # and an open WAL reader's shared lock makes the next upgrade refuse (flaky: it lasted
    # until the collector ran)
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]


def test_db_upgrade_refuses_while_another_process_has_the_file_open(runner, tmp_path) -> None:
    path = _schema_17(tmp_path / "kvrules.db")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        refused = runner.invoke(cli, ["db", "upgrade", "--db", str(path)])
    finally:
        holder.communicate("")
    assert refused.exit_code == 1
    assert len(refused.stderr.splitlines()) == 1, refused.stderr
    if sys.platform == "linux":  # named by /proc; elsewhere by SQLite's lock
        assert f"is open in process {holder.pid} (" in refused.stderr
    assert "nothing was changed" in refused.stderr
    assert _version(path) == 17 and not list(tmp_path.glob("*.bak"))
    upgraded = runner.invoke(cli, ["db", "upgrade", "--db", str(path)])
    assert upgraded.exit_code == 0, upgraded.stderr
    assert _version(path) == LATEST


def test_a_connection_proc_cannot_name_is_found_by_sqlites_lock(tmp_path: Path) -> None:
    # another connection of this very process: /proc leaves this process out, the lock does not
    path = _schema_17(tmp_path / "kvrules.db")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("SELECT COUNT(*) FROM audit_log").fetchone()
    assert processes_holding(path) == []
    with pytest.raises(StoreError, match=r"another process or connection \(SQLite.s lock"):
        Store.open(path, say=lambda line: None)
    other.close()
    assert _version(path) == 17 and not list(tmp_path.glob("*.bak"))


def test_the_lock_is_given_up_after_the_upgrade(tmp_path: Path) -> None:
    path = _schema_17(tmp_path / "kvrules.db")
    with Store.open(path, say=lambda line: None) as store:  # a scan that upgraded goes on
        other = sqlite3.connect(path, isolation_level=None, timeout=1)
        other.execute("UPDATE audit_log SET actor = actor WHERE id = -1")  # a writer gets in
        other.close()
        store.register_source("pure")
        assert store.schema_version == LATEST


def test_a_store_whose_file_another_release_upgraded_stops_before_writing(tmp_path) -> None:
    path = tmp_path / "kvrules.db"
    with Store.open(path, create=True) as store:
        store.register_source("pure")
        entries = len(store.audit_entries())
        # the next release's `db upgrade` while this process still runs (a long scan)
        newer = sqlite3.connect(path, isolation_level=None)
        newer.execute(
            "INSERT INTO schema_version (version, name, applied_at) VALUES (?, 'next', ?)",
            (LATEST + 1, "2027-01-01T00:00:00.000000Z"),
        )
        newer.close()
        with pytest.raises(StoreError) as stopped:
            store.register_source("converis")
        assert str(stopped.value) == (
            f"{path} now has schema {LATEST + 1}, not this kvrules' {LATEST} (another release "
            "upgraded it while this process ran): stopped without writing; run the release "
            "that upgraded it"
        )
        assert not store._db.conn.in_transaction
    with sqlite3.connect(path) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sources")] == ["pure"]
        assert conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == entries


def test_a_file_another_process_upgraded_while_this_one_waited_is_not_copied(
    tmp_path: Path,
) -> None:
    # two processes of this release opening a schema-17 file at once: the second saw 17, waits
    # for the lock while the first upgrades; it must not keep the upgraded file as "schema-17"
    from contextlib import contextmanager

    from kvrules.store.upgrade import Upgrade

    path = _schema_17(tmp_path / "kvrules.db")

    class FirstUpgradesMeanwhile(Upgrade):
        @contextmanager
        def alone(self, conn):  # type: ignore[override]
            other = Database(connect(path), path)  # the other process, done first
            migrate(other, T0)
            other.close()
            with super().alone(conn):
                yield

    said: list[str] = []
    db = Database(connect(path), path)
    try:
        assert migrate(db, T0, upgrading=FirstUpgradesMeanwhile(path, T0, said.append)) == LATEST
    finally:
        db.close()
    assert said == []
    assert not list(tmp_path.glob("*.bak"))  # before: the schema-19 file kept as schema-17's


def _held(path: Path, *args: str, cwd: Path) -> subprocess.Popen[str]:
    """A process holding ``path`` open, run as ``./py hold.py PATH ARGS``: a command line
    short enough to be shown whole (80 characters) wherever the interpreter is installed."""
    (cwd / "hold.py").write_text(HOLDER)
    (cwd / "py").symlink_to(sys.executable)  # the holder needs only the standard library
    holder = subprocess.Popen(
        ["./py", "hold.py", str(path), *args],
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "open\n"
    return holder


@pytest.mark.skipif(sys.platform != "linux", reason="processes are named from /proc")
def test_a_process_that_opened_the_file_through_a_hard_link_is_named(tmp_path: Path) -> None:
    """It was matched by the name in /proc, so it became "one this user cannot see"."""
    path = _schema_17(tmp_path / "kvrules.db")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "same.db").hardlink_to(path)
    holder = _held(tmp_path / "elsewhere" / "same.db", cwd=tmp_path)
    try:
        assert [pid for pid, _ in processes_holding(path)] == [holder.pid]
    finally:
        holder.communicate("")
    assert processes_holding(path) == []


@pytest.mark.skipif(sys.platform != "linux", reason="processes are named from /proc")
def test_the_holding_processs_command_line_is_shown_not_run(runner, tmp_path: Path) -> None:
    """An argument that sets the terminal's title and rings its bell was printed raw."""
    path = _schema_17(tmp_path / "k.db")
    holder = _held(Path("k.db"), "\x1b]0;PWNED-title\x07\x9b2J", cwd=tmp_path)
    try:
        refused = runner.invoke(cli, ["db", "upgrade", "--db", str(path)])
    finally:
        holder.communicate("")
    assert refused.exit_code == 1
    assert f"process {holder.pid} (" in refused.stderr
    assert "(./py hold.py k.db \\x1b]0;PWNED-title\\x07\\x9b2J)" in refused.stderr
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in refused.stderr.rstrip("\n"))
    assert _version(path) == 17


def test_the_upgrade_records_the_kept_files_absolute_path(tmp_path, monkeypatch) -> None:
    """The `store.upgraded` entry recorded `previous_file` as given ("rel.db.schema-17.bak"),
    which says nothing once read from elsewhere."""
    monkeypatch.chdir(tmp_path)
    _schema_17(tmp_path / "rel.db")
    with Store.open(Path("rel.db"), say=lambda line: None) as store:
        [entry] = store.audit_entries_of_action("store.upgraded")
    kept = entry.details["previous_file"]
    assert kept == str(tmp_path / "rel.db.schema-17.bak") and Path(kept).is_file()
