"""Opening an older state database (reviewer's defect: `kvrules findings` silently upgraded a
schema-9 database to 11, with no audit entry, and the previous release then refused it).

A command that writes upgrades it, never silently: a copy is kept first (SQLite's backup API,
taken while a writer holds the file live in WAL mode), the upgrade is said on stderr and is in
the audit log. A command that only reads opens read-only and refuses, saying what to run.

The schema-9 database is made by the shipped migrations 1-9 themselves: the schema of kvrules
at commit 517fbdd (migrations are never edited once shipped)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kvrules.cli import cli
from kvrules.store import Store, StoreError
from kvrules.store.db import Database, connect, migrate
from kvrules.store.migrations import MIGRATIONS
from tests.store.store_helpers import T0

LATEST = MIGRATIONS[-1].version


def _schema_9(path: Path) -> Path:
    db = Database(connect(path), path)
    migrate(db, T0, MIGRATIONS[:9])
    db.conn.execute(
        "INSERT INTO sources (name, adapter, cursor, created_at) VALUES ('pure', 'pure', 'c9', ?)",
        ("2026-01-01T00:00:00.000000Z",),
    )
    db.close()
    return path


def _version(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]


def test_an_upgrade_keeps_a_copy_says_so_and_is_audited(tmp_path: Path) -> None:
    path = _schema_9(tmp_path / "old.db")
    # The previous release's last commit (an upgrade refuses while it still has the file open:
    # test_upgrade_alone)
    with sqlite3.connect(path, isolation_level=None) as live:
        live.execute("UPDATE sources SET cursor = 'c9-live' WHERE name = 'pure'")
    live.close()
    said: list[str] = []
    with Store.open(path, say=said.append) as store:
        assert store.schema_version == LATEST
        assert store.get_cursor("pure") == "c9-live"
        newest = store.audit_entries()[-1]
        assert not store.verify_audit()
    kept = tmp_path / "old.db.schema-9.bak"
    assert said == [
        f"upgrading {path} from schema 9 to {LATEST}; the previous file is kept at {kept}"
    ]
    assert (newest.action, newest.details["from_schema"], newest.details["to_schema"]) == (
        "store.upgraded",
        9,
        LATEST,
    )
    assert newest.details["previous_file"] == str(kept)
    # The copy is the previous file, whole: what the previous release reads, the live commit too.
    assert _version(kept) == 9
    with sqlite3.connect(f"file:{kept}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT cursor FROM sources").fetchone()[0] == "c9-live"
    assert kept.stat().st_mode & 0o777 == 0o600
    with Store.open(path, say=said.append):  # upgraded once: nothing more said, no new copy
        pass
    assert len(said) == 1


def test_a_new_database_is_made_without_a_copy_or_a_word(tmp_path: Path) -> None:
    said: list[str] = []
    with Store.open(tmp_path / "new.db", say=said.append) as store:
        assert store.audit_entries() == []
    assert said == []
    assert not list(tmp_path.glob("*.bak"))


def test_a_read_only_open_refuses_an_older_database_and_changes_nothing(tmp_path: Path) -> None:
    path = _schema_9(tmp_path / "old.db")
    before = path.read_bytes()
    with pytest.raises(StoreError) as refused:
        Store.open(path, read_only=True)
    assert str(refused.value) == (
        f"{path} has schema 9; this kvrules reads schema {LATEST}: run `kvrules db upgrade "
        f"--db {path}` (or any scan) first, which keeps the previous file; nothing was changed"
    )
    assert path.read_bytes() == before and _version(path) == 9


def test_findings_refuses_and_db_upgrade_upgrades(runner, tmp_path: Path) -> None:
    path = _schema_9(tmp_path / "old.db")
    findings = runner.invoke(cli, ["findings", "--db", str(path), "--json"])
    assert findings.exit_code == 1
    assert "run `kvrules db upgrade" in findings.stderr and _version(path) == 9
    upgrade = runner.invoke(cli, ["db", "upgrade", "--db", str(path)])
    assert upgrade.exit_code == 0, upgrade.stderr
    # one line, as a scan that upgrades says it (reviewer: stderr "upgrading …" and stdout
    # "… upgraded to schema 19" were two lines for one fact)
    assert upgrade.stderr == ""
    assert upgrade.stdout == (
        f"upgraded {path} from schema 9 to {LATEST}; the previous file is kept at "
        f"{path}.schema-9.bak\n"
    )
    assert runner.invoke(cli, ["findings", "--db", str(path), "--json"]).exit_code == 0
    again = runner.invoke(cli, ["db", "upgrade", "--db", str(path)])
    assert again.stdout == f"{path} has schema {LATEST} already: nothing to upgrade\n"
    audit = runner.invoke(cli, ["audit", "verify", "--db", str(path)])
    assert audit.exit_code == 0 and "1 entries" in audit.stdout


def test_db_backup_copies_a_live_database(runner, tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with Store.open(path) as store:
        store.set_cursor("pure", "c1")
        copy = tmp_path / "copy.db"
        done = runner.invoke(cli, ["db", "backup", "--db", str(path), str(copy)])
        assert done.exit_code == 0, done.stderr
    with Store.open(copy, read_only=True) as kept:
        assert kept.get_cursor("pure") == "c1"
    assert copy.stat().st_mode & 0o777 == 0o600


def test_db_backup_of_a_file_that_is_no_database_says_so(runner, tmp_path: Path) -> None:
    """It reported a kvrules bug: 'internal error (DatabaseError: file is not a database)'."""
    not_db = tmp_path / "notdb.db"
    not_db.write_text("these are notes, not a database\n" * 100)
    copy = tmp_path / "copy.db"
    done = runner.invoke(cli, ["db", "backup", "--db", str(not_db), str(copy)])
    assert done.exit_code == 1
    assert done.stderr == (
        f"Error: {not_db}: cannot be read as a database (file is not a database); nothing copied\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notdb.db"]  # no partial copy left


def test_db_backup_into_a_missing_folder_names_the_folder(runner, tmp_path: Path) -> None:
    """It named the hidden temporary file ('.copy.db.partial'), not the folder the user gave."""
    path = tmp_path / "state.db"
    with Store.open(path) as store:
        store.set_cursor("pure", "c1")
    missing = tmp_path / "no-such-folder"
    done = runner.invoke(cli, ["db", "backup", "--db", str(path), str(missing / "copy.db")])
    assert done.exit_code == 1
    assert done.stderr == f"Error: {missing}: no such folder for the copy (create it first)\n"
    assert ".partial" not in done.output and not missing.exists()


@pytest.mark.parametrize("how", ["named", "symlink", "hard link"])
def test_db_backup_refuses_to_copy_over_the_databases_own_wal(runner, tmp_path, how) -> None:
    """`db backup w.db-wal --db w.db` wrote the copy over the live -wal file: a committed row
    only in the WAL was gone, and integrity_check still said ok (security review)."""
    path = tmp_path / "w.db"
    wal = tmp_path / "w.db-wal"
    with Store.open(path) as store:
        store.set_cursor("pure", "c1")  # committed, in the -wal file (not checkpointed)
        assert wal.stat().st_size > 0
        dest = {"named": wal, "symlink": tmp_path / "sym.db", "hard link": tmp_path / "hl.db"}[how]
        if how == "symlink":
            dest.symlink_to(wal)
        elif how == "hard link":
            dest.hardlink_to(wal)
        done = runner.invoke(cli, ["db", "backup", "--db", str(path), str(dest)])
        assert done.exit_code == 2, done.output
        assert "DEST is the database's w.db-wal: name another file" in done.stderr
    with Store.open(path, read_only=True) as kept:
        assert kept.get_cursor("pure") == "c1"


@pytest.mark.parametrize("suffix", ["-shm", "-journal"])
def test_db_backup_refuses_the_databases_other_side_files(runner, tmp_path, suffix) -> None:
    path = tmp_path / "w.db"
    with Store.open(path) as store:
        store.set_cursor("pure", "c1")
    dest = tmp_path / f"w.db{suffix}"
    done = runner.invoke(cli, ["db", "backup", "--db", str(path), str(dest)])
    assert done.exit_code == 2 and f"DEST is the database's w.db{suffix}" in done.stderr


def test_db_upgrade_refuses_an_empty_file_as_a_missing_one(runner, tmp_path: Path) -> None:
    """A 0-byte file became a fresh database, said as 'schema 19 already: nothing to upgrade'."""
    empty = tmp_path / "empty.db"
    empty.touch()
    done = runner.invoke(cli, ["db", "upgrade", "--db", str(empty)])
    assert done.exit_code == 1
    assert done.stderr == (
        f"Error: {empty} is an empty file, no kvrules database (the path may be wrong): "
        "nothing done\n"
    )
    assert empty.stat().st_size == 0 and sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]
